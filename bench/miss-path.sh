#!/usr/bin/env bash
# A cache miss's own time (bench/missPath.ts: code available -> JSON on stdout, minus the STS double's time),
# this tree against the build of an earlier commit, in the same run (only the ratio means much).
# Usage: bash bench/miss-path.sh REF [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
REF="${1:?name a commit to compare with}"
source bench/lib.sh
"$BUN" run build.ts >/dev/null
build_ref "$REF"
mkdir "$work/run"
BENCH_WORK="$work/run" "$BUN" bench/missPath.ts "${2:-20}" "base-$REF=$work/base/dist/vegas-credentials" "head=$PWD/dist/vegas-credentials"
