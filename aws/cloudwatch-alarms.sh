#!/usr/bin/env bash
# Creates two CloudWatch alarms on the metrics the services send as Embedded Metric Format events (README, "The
# sinks"; namespace Cruddur unless CLOUDWATCH_METRICS_NAMESPACE says otherwise):
#   cruddur-gateway-5xx-rate     percentage of the gateway's answers that were 5xx, per minute, above --max-5xx-percent
#                                (metric math over http.server.request.duration's SampleCount by StatusClass)
#   cruddur-home-latency-p99     p99 of http.server.request.duration on Route /api/activities/home above --p99-seconds
#                                (percentiles work because the histograms carry Values/Counts, not only a statistic set)
# Each fires after 3 of 3 one-minute periods in breach; a minute without requests counts as not breaching.
#
# Usage: aws/cloudwatch-alarms.sh [--endpoint-url URL] [--region REGION] [--service NAME] [--max-5xx-percent N]
#                                 [--p99-seconds S] [--alarm-action ARN] [--dry-run]
#   --endpoint-url / AWS_ENDPOINT_URL   send the calls to an emulator (moto_server) instead of AWS
#   --service                           the gateway's OTEL_SERVICE_NAME (default cruddur-gateway)
#   --alarm-action                      an SNS topic (or other action) ARN to notify; none by default
#   --dry-run                           print the aws commands instead of running them
# Credentials come from the usual AWS chain. put-metric-alarm needs cloudwatch:PutMetricAlarm, an operator's
# permission: it is not in aws/iam/cruddur-policy.json, which the services run with (EMF needs only PutLogEvents).
# Re-running is safe: put-metric-alarm replaces an alarm of the same name.
set -euo pipefail

namespace="${CLOUDWATCH_METRICS_NAMESPACE:-Cruddur}"
service="cruddur-gateway"
max_5xx_percent=5
p99_seconds=1
endpoint="${AWS_ENDPOINT_URL:-}"
region_args=()
action_args=()
dry_run=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --endpoint-url) endpoint="$2"; shift 2 ;;
    --endpoint-url=*) endpoint="${1#*=}"; shift ;;
    --region) region_args=(--region "$2"); shift 2 ;;
    --service) service="$2"; shift 2 ;;
    --max-5xx-percent) max_5xx_percent="$2"; shift 2 ;;
    --p99-seconds) p99_seconds="$2"; shift 2 ;;
    --alarm-action) action_args=(--alarm-actions "$2"); shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

common=(--output json "${region_args[@]}")
[[ -n "$endpoint" ]] && common+=(--endpoint-url "$endpoint")

run() {
  if [[ $dry_run -eq 1 ]]; then
    printf '%q ' aws "$@"; echo
    return 0
  fi
  aws "$@"
}

# One SampleCount query per status class (the [Service, StatusClass] dimension set), and their ratio.
query() {
  local id="$1" class="$2"
  printf '{"Id":"%s","ReturnData":false,"MetricStat":{"Metric":{"Namespace":"%s","MetricName":"http.server.request.duration","Dimensions":[{"Name":"Service","Value":"%s"},{"Name":"StatusClass","Value":"%s"}]},"Period":60,"Stat":"SampleCount"}}' \
    "$id" "$namespace" "$service" "$class"
}
rate_metrics="[$(query c2 2xx),$(query c3 3xx),$(query c4 4xx),$(query c5 5xx),"
rate_metrics+='{"Id":"rate","Label":"5xx % of answers","ReturnData":true,"Expression":"100 * FILL(c5, 0) / (FILL(c2, 0) + FILL(c3, 0) + FILL(c4, 0) + FILL(c5, 0))"}]'

run cloudwatch put-metric-alarm "${common[@]}" "${action_args[@]}" \
  --alarm-name "cruddur-gateway-5xx-rate" \
  --alarm-description "More than ${max_5xx_percent}% of ${service}'s answers were 5xx, 3 minutes in a row" \
  --metrics "$rate_metrics" \
  --comparison-operator GreaterThanThreshold --threshold "$max_5xx_percent" \
  --evaluation-periods 3 --datapoints-to-alarm 3 --treat-missing-data notBreaching
[[ $dry_run -eq 1 ]] || echo "alarm cruddur-gateway-5xx-rate: 5xx above ${max_5xx_percent}% of answers" >&2

run cloudwatch put-metric-alarm "${common[@]}" "${action_args[@]}" \
  --alarm-name "cruddur-home-latency-p99" \
  --alarm-description "p99 latency of GET /api/activities/home above ${p99_seconds} s, 3 minutes in a row" \
  --namespace "$namespace" --metric-name http.server.request.duration \
  --dimensions "Name=Service,Value=${service}" "Name=Route,Value=/api/activities/home" \
  --extended-statistic p99 --period 60 \
  --comparison-operator GreaterThanThreshold --threshold "$p99_seconds" \
  --evaluation-periods 3 --datapoints-to-alarm 3 --treat-missing-data notBreaching
[[ $dry_run -eq 1 ]] || echo "alarm cruddur-home-latency-p99: p99 of /api/activities/home above ${p99_seconds} s" >&2
