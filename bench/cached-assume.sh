#!/usr/bin/env bash
# Median time of a cached `vegas-credentials assume` next to a compiled Bun hello-world, measured in the
# same run (these machines are noisy: only the ratio means much). Needs hyperfine, moto_server and script.
# Usage: bash bench/cached-assume.sh [RUNS_PER_ROUND] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-30}"
ROUNDS="${2:-10}"
source bench/lib.sh

"$BUN" run build.ts >/dev/null
build_hello
fill_cache "$PWD/dist/vegas-credentials"
rounds "$RUNS" "$ROUNDS" "hello-world=$work/hello" "cached-assume=$PWD/dist/vegas-credentials assume --profile frank@concerts"
