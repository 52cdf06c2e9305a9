#!/usr/bin/env bash
# The compose stack's "topics" service: creates every topic of the local stack's topics.properties
# (name=partitions[,compact]) with one replica, as the local stack's broker does. Creating again changes nothing.
set -euo pipefail
# the compose file mounts this script at /opt/secpipe/docker/ and topics.properties at /opt/secpipe/
topics="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/topics.properties"
kafka_bin="${KAFKA_BIN:-/opt/kafka/bin}"
: "${SECPIPE_BOOTSTRAP_SERVERS:?the broker, e.g. kafka:19092}"

while IFS='=' read -r name spec || [ -n "$name" ]; do
  name="${name//[[:space:]]/}"
  spec="${spec//[[:space:]]/}"
  case "$name" in ''|'#'*|'!'*) continue ;; esac
  args=(--bootstrap-server "$SECPIPE_BOOTSTRAP_SERVERS" --create --if-not-exists --topic "$name"
        --partitions "${spec%%,*}" --replication-factor 1)
  if [ "${spec#*,}" = compact ]; then
    args+=(--config cleanup.policy=compact)
  fi
  "$kafka_bin/kafka-topics.sh" "${args[@]}"
done < "$topics"
echo "topics: every topic of $topics exists"
