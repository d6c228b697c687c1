#!/usr/bin/env bash
# Creates the CloudWatch Logs group `cruddur` (or $CLOUDWATCH_LOG_GROUP) with a retention policy.
#   aws/logs-setup.sh [--retention-days N] [--endpoint-url URL]
# AWS_ENDPOINT_URL is honoured as well, for a dry run against an emulator (moto_server).
set -euo pipefail
group=${CLOUDWATCH_LOG_GROUP:-cruddur}
retention=1
endpoint=()
[ -n "${AWS_ENDPOINT_URL:-}" ] && endpoint=(--endpoint-url "$AWS_ENDPOINT_URL")
while [ $# -gt 0 ]; do
  case "$1" in
    --retention-days) retention=$2; shift 2 ;;
    --endpoint-url) endpoint=(--endpoint-url "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

if aws "${endpoint[@]}" logs create-log-group --log-group-name "$group" 2>/tmp/logs-setup.err; then
  echo "created log group $group"
elif grep -q ResourceAlreadyExistsException /tmp/logs-setup.err; then
  echo "log group $group already exists"
else
  cat /tmp/logs-setup.err >&2; exit 1
fi
aws "${endpoint[@]}" logs put-retention-policy --log-group-name "$group" --retention-in-days "$retention"
echo "retention of $group: $retention day(s)"
