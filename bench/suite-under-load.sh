#!/usr/bin/env bash
# The whole suite (npm test) with two busy loops beside it, as CI shares its two cores with whatever else runs,
# TIMES times in a row (default 3); stops at the first failure and shows it.
# Usage: bash bench/suite-under-load.sh [TIMES]
set -euo pipefail
cd "$(dirname "$0")/.."
TIMES="${1:-3}"
log="$(mktemp)"
busy() { while :; do :; done; }
busy &
first=$!
busy &
second=$!
trap 'kill "$first" "$second" 2>/dev/null || true; rm -f "$log"' EXIT
echo "two busy loops: pids $first $second on $(nproc) cores"
for run in $(seq 1 "$TIMES"); do
  started=$(date +%s)
  if npm test >"$log" 2>&1; then status=passed; else status=FAILED; fi
  counts="$(grep -E '^ *[0-9]+ (pass|fail|skip)$' "$log" | tr -s ' ' | tr '\n' ',' | sed 's/,$//; s/^ //')"
  echo "run $run: $status ($counts) in $(($(date +%s) - started)) s"
  if [ "$status" = FAILED ]; then
    grep -E '^\(fail\)' "$log" | sort -u
    exit 1
  fi
done
