#!/usr/bin/env bash
# The compose stack's one-shot "setup" service: once Connect, the engine and the dashboards answer, registers
# every connector-configs/local/*.json (the body of PUT /connectors/{file name}/config, as bin/secpipe up does),
# installs the index templates and imports the dashboards with bin/secpipe's own commands.
set -euo pipefail
# the compose file mounts this script at /opt/secpipe/docker/, and what it reads beside it under /opt/secpipe/
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${SECPIPE_CONNECT_URL:?Connect's REST URL}" "${SECPIPE_ENGINE_URL:?the search engine's URL}"
: "${SECPIPE_DASHBOARDS_URL:?Kibana's or OpenSearch Dashboards' URL}" "${SECPIPE_DASHBOARDS_FLAVOR:?kibana or opensearch-dashboards}"

# waits up to 10 minutes: the engines take a while on a small machine
await() {
  local what="$1" url="$2"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url"; then
      echo "setup: $what answers at $url"
      return 0
    fi
    sleep 5
  done
  echo "setup: $what did not answer at $url" >&2
  exit 1
}

# bin/secpipe without Maven: the jars ops' build lays out in ops/target
secpipe() {
  java -Dsecpipe.root="$root" -cp "$root/ops/target/ops.jar:$root/ops/target/secpipe-lib/*:$root/ops/target/lib/*" \
    io.secpipe.ops.SecpipeCli "$@"
}

await "Connect" "$SECPIPE_CONNECT_URL/health"
await "the engine" "$SECPIPE_ENGINE_URL/_cluster/health?wait_for_status=yellow&timeout=30s"
await "the dashboards" "$SECPIPE_DASHBOARDS_URL/api/status"

for file in "$root"/connector-configs/local/*.json; do
  name="$(basename "$file" .json)"
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' --data-binary "@$file" \
    "$SECPIPE_CONNECT_URL/connectors/$name/config"
  echo "setup: connector $name registered"
done

secpipe templates install --url "$SECPIPE_ENGINE_URL"
secpipe dashboards install --url "$SECPIPE_DASHBOARDS_URL" --flavor "$SECPIPE_DASHBOARDS_FLAVOR"
echo "setup: done"
