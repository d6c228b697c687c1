#!/usr/bin/env bash
# Creates the X-Ray group "Cruddur" and the sampling rule in aws/json/xray.json (the original bootcamp's
# `aws xray create-group` / `aws xray create-sampling-rule`), for the gateway's service name.
#
# Usage: aws/xray-setup.sh [--endpoint-url URL] [--region REGION] [--dry-run]
#   --endpoint-url / AWS_ENDPOINT_URL   send the calls to an emulator or a recording proxy instead of AWS
#   --dry-run                           print the aws commands instead of running them
# Credentials come from the usual AWS chain (env, profile, role); none are read or written here.
# Re-running is safe: an existing group or rule is reported and left alone.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rule_file="$here/json/xray.json"
group_name="Cruddur"
filter='service("cruddur-gateway")'
endpoint="${AWS_ENDPOINT_URL:-}"
region_args=()
dry_run=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --endpoint-url) endpoint="$2"; shift 2 ;;
    --endpoint-url=*) endpoint="${1#*=}"; shift ;;
    --region) region_args=(--region "$2"); shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

[[ -f "$rule_file" ]] || { echo "sampling rule file not found: $rule_file" >&2; exit 1; }

common=(--output json "${region_args[@]}")
[[ -n "$endpoint" ]] && common+=(--endpoint-url "$endpoint")

run() {
  if [[ $dry_run -eq 1 ]]; then
    printf '%q ' aws "$@"; echo
    return 0
  fi
  aws "$@"
}

# aws fails with "... already exists" when the group or rule is there from an earlier run.
create_or_report() {
  local what="$1"; shift
  local out
  if out="$(run "$@" 2>&1)"; then
    echo "$out"
    [[ $dry_run -eq 1 ]] || echo "created $what" >&2
  elif grep -qi 'already exists' <<<"$out"; then
    echo "$what exists already, left as is" >&2
  else
    echo "$out" >&2
    return 1
  fi
}

create_or_report "group $group_name" \
  xray create-group "${common[@]}" --group-name "$group_name" --filter-expression "$filter"

create_or_report "sampling rule from $rule_file" \
  xray create-sampling-rule "${common[@]}" --cli-input-json "file://$rule_file"
