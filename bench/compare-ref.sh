#!/usr/bin/env bash
# Cached `assume` of this tree against the build of an earlier commit, in the same run (noisy machines:
# only the ratio means much). Both binaries answer from the same cache.
# Usage: bash bench/compare-ref.sh REF [RUNS_PER_ROUND] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
REF="${1:?name a commit to compare with}"
RUNS="${2:-30}"
ROUNDS="${3:-6}"
source bench/lib.sh

"$BUN" run build.ts >/dev/null
build_ref "$REF"

fill_cache "$PWD/dist/vegas-credentials"
rounds "$RUNS" "$ROUNDS" \
  "base-$REF=$work/base/dist/vegas-credentials assume --profile frank@concerts" \
  "head=$PWD/dist/vegas-credentials assume --profile frank@concerts"
