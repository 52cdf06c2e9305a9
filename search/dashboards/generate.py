#!/usr/bin/env python3
"""Writes secpipe.ndjson, the saved objects of secpipe's dashboards (deterministic: run it again and the
file is identical). Edit the definitions here, never the NDJSON by hand.

The objects have the Kibana 7.10 shape, which both Kibana 8.x (it migrates older objects on import) and
OpenSearch Dashboards 2.x/3.x (a fork of Kibana 7.10) import:
  - index patterns, aggregation-based visualizations, saved searches and dashboards, linked through
    `references` (`indexRefName`, `panelRefName`), never by embedded ids;
  - `migrationVersion` no newer than OpenSearch Dashboards knows (it refuses an object "from a more
    recent version"): index-pattern 7.6.0, visualization 7.10.0, search and dashboard 7.9.3;
  - only the attributes of the 7.10 mappings (OpenSearch Dashboards' saved-object index is strict);
  - index patterns carry no field list (`fields: "[]"`): both products read the fields from the engine.
Ids are stable (`secpipe-...`), so an import with overwrite=true replaces the objects instead of copying them.
"""
import json
from pathlib import Path

MIGRATION = {"index-pattern": "7.6.0", "visualization": "7.10.0", "search": "7.9.3", "dashboard": "7.9.3"}
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
PANEL_VERSION = "7.10.0"


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def saved_object(type_, id_, attributes, references):
    return {"type": type_, "id": id_, "attributes": attributes, "references": references,
            "migrationVersion": {type_: MIGRATION[type_]}}


# ---------------------------------------------------------------- index patterns

def index_pattern(id_, title):
    return saved_object("index-pattern", id_, {"title": title, "timeFieldName": "@timestamp", "fields": "[]"}, [])


# The per-minute indices match the flow and alert patterns too: exclude them, or every count doubles.
INDEX_PATTERNS = [
    index_pattern("secpipe-index-vpcflow", "cwl-vpcflow-*,-cwl-vpcflow-minute-*"),
    index_pattern("secpipe-index-sg-rule-usage", "sg-rule-usage-*"),
    index_pattern("secpipe-index-ossec", "cwl-ossec-*,-cwl-ossec-minute-*"),
    index_pattern("secpipe-index-cloudtrail-ec2", "cloudtrail-ec2-*"),
    index_pattern("secpipe-index-ec2-enforcement", "ec2-enforcement-*"),
    index_pattern("secpipe-index-anomalies", "secpipe-anomalies-*"),
    index_pattern("secpipe-index-clicks-minute", "clicks-minute-*"),
]


# ---------------------------------------------------------------- aggregations

def count():
    return {"type": "count", "params": {}, "schema": "metric"}


def metric(kind, field, label=None):
    params = {"field": field}
    if label:
        params["customLabel"] = label
    return {"type": kind, "params": params, "schema": "metric"}


def terms(field, size, schema, order_by="1", label=None):
    params = {"field": field, "orderBy": order_by, "order": "desc", "size": size, "otherBucket": False,
              "otherBucketLabel": "Other", "missingBucket": False, "missingBucketLabel": "Missing"}
    if label:
        params["customLabel"] = label
    return {"type": "terms", "params": params, "schema": schema}


def over_time(interval="auto"):
    return {"type": "date_histogram", "schema": "segment",
            "params": {"field": "@timestamp", "interval": interval, "min_doc_count": 1, "extended_bounds": {}}}


def numbered(aggs):
    """Aggregation ids are their position, from 1: a terms agg's orderBy "1" is the first metric."""
    return [{"id": str(i), "enabled": True, **agg} for i, agg in enumerate(aggs, start=1)]


# ---------------------------------------------------------------- visualization params

def pie_params():
    return {"type": "pie", "addTooltip": True, "addLegend": True, "legendPosition": "right", "isDonut": True,
            "labels": {"show": False, "values": True, "last_level": True, "truncate": 100}}


def table_params(per_page=10):
    return {"perPage": per_page, "showPartialRows": False, "showMetricsAtAllLevels": False,
            "sort": {"columnIndex": None, "direction": None}, "showTotal": False, "totalFunc": "sum",
            "percentageCol": ""}


def xy_params(chart, value_label, mode):
    """A vislib bar or line chart over time; `chart` is histogram or line, `mode` stacked or normal."""
    return {
        "type": chart,
        "grid": {"categoryLines": False},
        "categoryAxes": [{"id": "CategoryAxis-1", "type": "category", "position": "bottom", "show": True,
                          "style": {}, "scale": {"type": "linear"},
                          "labels": {"show": True, "filter": True, "truncate": 100}, "title": {}}],
        "valueAxes": [{"id": "ValueAxis-1", "name": "LeftAxis-1", "type": "value", "position": "left",
                       "show": True, "style": {}, "scale": {"type": "linear", "mode": "normal"},
                       "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                       "title": {"text": value_label}}],
        "seriesParams": [{"show": True, "type": chart, "mode": mode, "data": {"label": value_label, "id": "1"},
                          "valueAxis": "ValueAxis-1", "drawLinesBetweenPoints": True, "lineWidth": 2,
                          "showCircles": True, "interpolate": "linear"}],
        "addTooltip": True, "addLegend": True, "legendPosition": "right", "times": [], "addTimeMarker": False,
        "labels": {"show": False},
        "thresholdLine": {"show": False, "value": 10, "width": 1, "style": "full", "color": "#E7664C"},
    }


def search_source(query="", with_index=True, filters=()):
    source = {"query": {"query": query, "language": "kuery"}, "filter": list(filters)}
    if with_index:
        source["indexRefName"] = INDEX_REF
    return compact(source)


def filter_ref(i):
    """The reference name Kibana 7.10 gives the index pattern of a stored filter (extractReferences)."""
    return f"kibanaSavedObjectMeta.searchSourceJSON.filter[{i}].meta.index"


def flows_only_phrase(i, field, value, index_prefix):
    """A stored, enabled (toggleable) filter `field` = `value` that leaves other indices alone.

    A plain phrase filter would apply to every panel of the dashboard, and the panels on indices without
    `field` would go empty; so it is a custom filter: the phrase, or a document of another index. The
    pill shows the alias; "Edit as Query DSL" shows the query."""
    query = {"bool": {"should": [{"match_phrase": {field: value}},
                                 {"bool": {"must_not": [{"prefix": {"_index": index_prefix}}]}}],
                      "minimum_should_match": 1}}
    meta = {"alias": f"{field}: {value}", "negate": False, "disabled": False, "type": "custom", "key": "query",
            "value": compact(query), "indexRefName": filter_ref(i)}
    return {"meta": meta, "query": query, "$state": {"store": "appState"}}


def visualization(id_, title, index, vis_type, params, aggs, query="", description=""):
    vis_state = {"title": title, "type": vis_type, "aggs": numbered(aggs), "params": params}
    attributes = {"title": title, "visState": compact(vis_state), "uiStateJSON": "{}", "description": description,
                  "version": 1, "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(query)}}
    return saved_object("visualization", id_, attributes, [{"name": INDEX_REF, "type": "index-pattern", "id": index}])


def pie(id_, title, index, buckets, query=""):
    return visualization(id_, title, index, "pie", pie_params(), [count(), *buckets], query)


def table(id_, title, index, metrics, buckets, query="", per_page=10):
    return visualization(id_, title, index, "table", table_params(per_page), [*metrics, *buckets], query)


def chart_over_time(id_, title, index, value, split=None, chart="histogram", interval="auto", query=""):
    aggs = [value, over_time(interval)] + ([split] if split else [])
    label = value["params"].get("customLabel", "Count")
    mode = "stacked" if chart == "histogram" else "normal"
    return visualization(id_, title, index, chart, xy_params(chart, label, mode), aggs, query)


def search(id_, title, index, columns, query=""):
    attributes = {"title": title, "description": "", "hits": 0, "columns": columns,
                  "sort": [["@timestamp", "desc"]], "version": 1,
                  "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(query)}}
    return saved_object("search", id_, attributes, [{"name": INDEX_REF, "type": "index-pattern", "id": index}])


# ---------------------------------------------------------------- dashboards

def dashboard(id_, title, description, rows, time_from="now-24h", filters=()):
    """`rows` is a list of rows, each a list of (object, width, height); the grid is 48 units wide.
    `filters`: (index pattern id, filter) pairs, stored with the dashboard and applied when it opens."""
    panels, references, y = [], [], 0
    for row in rows:
        x = 0
        for obj, width, height in row:
            n = len(panels)
            panels.append({"version": PANEL_VERSION, "gridData": {"x": x, "y": y, "w": width, "h": height, "i": str(n + 1)},
                           "panelIndex": str(n + 1), "embeddableConfig": {}, "panelRefName": f"panel_{n}"})
            references.append({"name": f"panel_{n}", "type": obj["type"], "id": obj["id"]})
            x += width
        y += max(height for _, _, height in row)
    attributes = {"title": title, "hits": 0, "description": description, "panelsJSON": compact(panels),
                  "optionsJSON": compact({"hidePanelTitles": False, "useMargins": True}), "version": 1,
                  "timeRestore": True, "timeFrom": time_from, "timeTo": "now",
                  "refreshInterval": {"pause": True, "value": 0},
                  "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(
                      with_index=False, filters=[f for _, f in filters])}}
    references += [{"name": filter_ref(i), "type": "index-pattern", "id": index} for i, (index, _) in enumerate(filters)]
    return saved_object("dashboard", id_, attributes, references)


SUM_BYTES = metric("sum", "bytes", "Bytes")

# The engine refuses a response of more than search.max_buckets buckets (65,535 by default in Elasticsearch
# 7+/8 and OpenSearch). Nested terms aggregations make a + a*b + a*b*c + ... buckets: the seed's enipi-all
# (200/5/200/200/200) would make over 8 billion. Keeping protocol at the seed's 5 and the other four levels
# equal, 10 is the largest that fits: 10 + 50 + 500 + 5,000 + 50,000 = 55,560 (11 would make 80,531).
MAX_BUCKETS = 65535
ENIPI_ALL_SIZES = {"srcaddr": 10, "protocol": 5, "dstport": 10, "dstaddr": 10, "srcport": 10}
# Eni-list: one level of the seed's 20,000 interfaces; metrics are no buckets.
ENI_LIST_SIZE = 20000


def nested_buckets(sizes):
    total, product = 0, 1
    for size in sizes:
        product *= size
        total += product
    return total


assert nested_buckets(ENIPI_ALL_SIZES.values()) <= MAX_BUCKETS
assert nested_buckets([ENI_LIST_SIZE]) <= MAX_BUCKETS

# SGDashboard: the seed's panels (names kept), then security groups, direction, countries, unused rules.
FLOWS = "secpipe-index-vpcflow"
SG = [
    pie("secpipe-vis-eni-action", "ENIAction", FLOWS, [terms("action", 5, "segment")]),
    table("secpipe-vis-eni-destports", "ENIdestports", FLOWS, [count()],
          [terms("destination.port", 200, "bucket", label="Destination port")], per_page=20),
    table("secpipe-vis-eni-list", "Eni-list", FLOWS, [count(), SUM_BYTES],
          [terms("interface_id", ENI_LIST_SIZE, "bucket", label="Interface")], per_page=20),
    pie("secpipe-vis-eni-protocol", "EniProtocol", FLOWS, [terms("protocol", 10, "segment")]),
    pie("secpipe-vis-enipi-all", "enipi-all", FLOWS,
        [terms(field, size, "segment") for field, size in ENIPI_ALL_SIZES.items()]),
    search("secpipe-search-eni", "eni-search", FLOWS, ["interface_id", "action", "srcaddr", "dstport", "bytes", "packets"]),
    # the seed's saved search of every flow, which its visualizations were built on
    search("secpipe-search-all", "All", FLOWS, ["_source"]),
    table("secpipe-vis-sg-groups", "Security groups: flows and bytes", FLOWS, [count(), SUM_BYTES],
          [terms("security_group_ids", 20, "bucket", label="Security group")]),
    pie("secpipe-vis-sg-direction", "Direction", FLOWS, [terms("direction", 3, "segment")]),
    table("secpipe-vis-sg-source-countries", "Source countries", FLOWS, [count(), SUM_BYTES],
          [terms("src_geo.country_name", 20, "bucket", label="Source country")]),
    table("secpipe-vis-sg-unused-rules", "Unused security-group rules", "secpipe-index-sg-rule-usage",
          [count(), metric("max", "@timestamp", "Last reported")],
          [terms("group_id", 50, "bucket", label="Security group"),
           terms("unused_rules.rule_id", 100, "bucket", label="Unused rule")],
          query="type:usage_report", per_page=20),
    table("secpipe-vis-sg-no-traffic", "Security groups without traffic", "secpipe-index-sg-rule-usage",
          [count(), metric("max", "@timestamp", "Last reported")],
          [terms("group_id", 50, "bucket", label="Security group"), terms("vpc_id", 5, "bucket", label="VPC")],
          query="type:usage_report and candidate_for_removal:true"),
]

ALERTS = "secpipe-index-ossec"
HIDS = [
    chart_over_time("secpipe-vis-hids-over-time", "HIDS alerts over time", ALERTS, count()),
    table("secpipe-vis-hids-alert-types", "Top 20 alert types", ALERTS, [count()],
          [terms("rule.comment", 20, "bucket", label="Alert")]),
    pie("secpipe-vis-hids-levels", "Alerts by rule level", ALERTS, [terms("rule.level", 16, "segment", order_by="_key")]),
    table("secpipe-vis-hids-rule-ids", "Top 10 rule IDs", ALERTS, [count()],
          [terms("rule.sidid", 10, "bucket", label="Rule ID"), terms("rule.comment", 1, "bucket", label="Description")]),
    table("secpipe-vis-hids-source-ips", "Top 10 source IPs", ALERTS, [count()],
          [terms("srcip", 10, "bucket", label="Source IP")]),
    # the filter by instance: a click on an instance filters the dashboard on @log_stream (the CloudWatch
    # Logs stream, which the seed's agents name after their instance id)
    table("secpipe-vis-hids-instances", "Alerts by instance", ALERTS, [count()],
          [terms("@log_stream", 100, "bucket", label="Instance (@log_stream)")]),
]

CALLS = "secpipe-index-cloudtrail-ec2"
DECISIONS = "secpipe-index-ec2-enforcement"
EC2 = [
    chart_over_time("secpipe-vis-ec2-calls-over-time", "EC2 API calls over time by event name", CALLS, count(),
                    split=terms("event_name", 10, "group")),
    table("secpipe-vis-ec2-top-users", "Top users", CALLS, [count()],
          [terms("user_name", 20, "bucket", label="User"), terms("user_identity.type", 3, "bucket", label="Identity type")]),
    table("secpipe-vis-ec2-errors", "Errors", CALLS, [count()],
          [terms("error_code", 20, "bucket", label="Error"), terms("event_name", 10, "bucket", label="Call")],
          query="error_code:*"),
    chart_over_time("secpipe-vis-ec2-decisions-over-time", "Enforcement decisions over time", DECISIONS, count(),
                    split=terms("action", 5, "group")),
    search("secpipe-search-ec2-decisions", "Enforcement decisions", DECISIONS,
           ["action", "instance_id", "region", "num_instances", "max_instances", "reason"]),
]

ANOMALY_INDEX = "secpipe-index-anomalies"
ANOMALIES = [
    chart_over_time("secpipe-vis-anomaly-score", "Anomaly score by detector", ANOMALY_INDEX,
                    metric("max", "score", "Max score"), split=terms("detector", 10, "group"), chart="line"),
    chart_over_time("secpipe-vis-anomaly-count", "Anomalies over time", ANOMALY_INDEX, count(),
                    split=terms("detector", 10, "group"), query="anomaly:true"),
    table("secpipe-vis-anomaly-keys", "Most anomalous series", ANOMALY_INDEX,
          [metric("max", "score", "Max score"), metric("max", "grade", "Max grade"), count()],
          [terms("detector", 10, "bucket", label="Detector"), terms("key", 20, "bucket", label="Series")],
          query="anomaly:true"),
    search("secpipe-search-anomalies", "Anomalies found", ANOMALY_INDEX,
           ["detector", "key", "fields", "value", "expected_values", "score", "grade", "anomaly_start"],
           query="anomaly:true"),
]

CLICKS = "secpipe-index-clicks-minute"
SUM_CLICKS = metric("sum", "clicks", "Clicks")
TRENDS = [
    chart_over_time("secpipe-vis-trends-clicks-by-segment", "Clicks per minute by segment", CLICKS, SUM_CLICKS,
                    split=terms("segment_id", 10, "group"), chart="line", interval="m"),
    chart_over_time("secpipe-vis-trends-impressions-by-gender", "Impressions per minute by gender", CLICKS,
                    metric("sum", "impressions", "Impressions"), split=terms("gender", 5, "group"), chart="line",
                    interval="m"),
    table("secpipe-vis-trends-top-articles", "Top articles", CLICKS,
          [SUM_CLICKS, metric("sum", "impressions", "Impressions")],
          [terms("article_id", 20, "bucket", label="Article")]),
]


def by_id(objects):
    return {o["id"]: o for o in objects}


def layout_sg():
    o = by_id(SG)
    return [
        [(o["secpipe-vis-eni-action"], 12, 12), (o["secpipe-vis-eni-protocol"], 12, 12),
         (o["secpipe-vis-sg-direction"], 12, 12), (o["secpipe-vis-enipi-all"], 12, 12)],
        [(o["secpipe-vis-eni-list"], 16, 15), (o["secpipe-vis-eni-destports"], 16, 15),
         (o["secpipe-vis-sg-groups"], 16, 15)],
        [(o["secpipe-vis-sg-source-countries"], 16, 15), (o["secpipe-vis-sg-unused-rules"], 20, 15),
         (o["secpipe-vis-sg-no-traffic"], 12, 15)],
        [(o["secpipe-search-eni"], 48, 18)],
    ]


def layout_hids():
    o = by_id(HIDS)
    return [
        [(o["secpipe-vis-hids-instances"], 12, 12), (o["secpipe-vis-hids-over-time"], 36, 12)],
        [(o["secpipe-vis-hids-alert-types"], 24, 15), (o["secpipe-vis-hids-levels"], 24, 15)],
        [(o["secpipe-vis-hids-rule-ids"], 24, 15), (o["secpipe-vis-hids-source-ips"], 24, 15)],
    ]


def layout_ec2():
    o = by_id(EC2)
    return [
        [(o["secpipe-vis-ec2-calls-over-time"], 48, 12)],
        [(o["secpipe-vis-ec2-top-users"], 24, 15), (o["secpipe-vis-ec2-errors"], 24, 15)],
        [(o["secpipe-vis-ec2-decisions-over-time"], 48, 12)],
        [(o["secpipe-search-ec2-decisions"], 48, 15)],
    ]


def layout_anomalies():
    o = by_id(ANOMALIES)
    return [
        [(o["secpipe-vis-anomaly-score"], 48, 12)],
        [(o["secpipe-vis-anomaly-count"], 24, 15), (o["secpipe-vis-anomaly-keys"], 24, 15)],
        [(o["secpipe-search-anomalies"], 48, 15)],
    ]


def layout_trends():
    o = by_id(TRENDS)
    return [
        [(o["secpipe-vis-trends-clicks-by-segment"], 48, 14)],
        [(o["secpipe-vis-trends-impressions-by-gender"], 28, 14), (o["secpipe-vis-trends-top-articles"], 20, 14)],
    ]


DASHBOARDS = [
    dashboard("secpipe-dashboard-sg", "SGDashboard",
              "VPC flows per interface, action, protocol and port; security groups and their unused rules.", layout_sg(),
              # the seed's dashboard shows accepted traffic: its filter action = ACCEPT, on and toggleable
              filters=[(FLOWS, flows_only_phrase(0, "action", "ACCEPT", "cwl-vpcflow-"))]),
    dashboard("secpipe-dashboard-hids", "HIDS alerts", "OSSEC and Wazuh alerts.", layout_hids()),
    dashboard("secpipe-dashboard-ec2", "EC2 API calls",
              "CloudTrail EC2 calls, their users and errors, and the enforcer's decisions.", layout_ec2()),
    dashboard("secpipe-dashboard-anomalies", "Anomalies", "Anomaly scores and the anomalies found.", layout_anomalies()),
    dashboard("secpipe-dashboard-trends", "Trends", "Clicks and impressions per minute.", layout_trends(),
              time_from="now-1h"),
]


def main():
    objects = INDEX_PATTERNS + [o for group in (SG, HIDS, EC2, ANOMALIES, TRENDS) for o in group] + DASHBOARDS
    # index patterns first, then searches, visualizations, dashboards: referenced objects before their users
    order = {"index-pattern": 0, "search": 1, "visualization": 2, "dashboard": 3}
    objects.sort(key=lambda o: (order[o["type"]], o["id"]))
    out = Path(__file__).with_name("secpipe.ndjson")
    out.write_text("".join(compact(o) + "\n" for o in objects), encoding="utf-8")
    print(f"{len(objects)} saved objects written to {out}")


if __name__ == "__main__":
    main()
