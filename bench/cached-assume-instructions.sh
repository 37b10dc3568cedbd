#!/usr/bin/env bash
# Instructions run by a cached `vegas-credentials assume` next to a compiled Bun hello-world (valgrind's
# callgrind, `I refs`: nearly independent of the machine's load), the median of RUNS runs of each, as a
# ratio; then what each step of the hit adds (bench/hitSteps.ts, compiled the same way, stopped after each
# step); then the hyperfine ratio of the binary and the hello-world. Needs valgrind, hyperfine, moto_server,
# script. Usage: bash bench/cached-assume-instructions.sh [RUNS] [HYPERFINE_RUNS] [HYPERFINE_ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
command -v valgrind >/dev/null || { echo "bench: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
source bench/lib.sh

"$BUN" run build.ts >/dev/null
build_hello
fill_cache "$PWD/dist/vegas-credentials"

# The I refs of one run of the command: its own output goes nowhere, callgrind's summary is read.
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file "$@" 2>&1 >/dev/null \
    | sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}

median_of() {
  local name="$1" values=() value
  shift
  for _ in $(seq 1 "$RUNS"); do
    value="$(instructions "$@")"
    [ -n "$value" ] || { echo "bench: callgrind gave no count for $name" >&2; exit 1; }
    values+=("$value")
  done
  printf '%s\n' "${values[@]}" | sort -n | awk -v name="$name" '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %d %d %d\n", name, m, v[1], v[NR] }'
}

hello="$(median_of hello-world "$work/hello")"
assume="$(median_of cached-assume "$PWD/dist/vegas-credentials" assume --profile frank@concerts)"
echo "instructions (callgrind I refs, median of $RUNS; min–max):"
awk -v base="$hello" -v line="$assume" 'BEGIN {
  split(base, b, " "); split(line, a, " ")
  printf "  %-16s %6.2f M  (%.2f–%.2f M)\n", b[1], b[2] / 1e6, b[3] / 1e6, b[4] / 1e6
  printf "  %-16s %6.2f M  (%.2f–%.2f M)  %.2fx hello-world\n", a[1], a[2] / 1e6, a[3] / 1e6, a[4] / 1e6, a[2] / b[2]
}'
# JSC's concurrent collector runs on threads of its own, so its work varies from run to run (the spread above):
# with it off, the collection runs on the main thread and the count hardly moves.
steady="$(BUN_JSC_useConcurrentGC=0 median_of cached-assume "$PWD/dist/vegas-credentials" assume --profile frank@concerts)"
awk -v line="$steady" -v base="$hello" 'BEGIN { split(line, a, " "); split(base, b, " "); printf "  %-16s %6.2f M  (%.2f–%.2f M)  %.2fx hello-world, with BUN_JSC_useConcurrentGC=0\n", a[1], a[2] / 1e6, a[3] / 1e6, a[4] / 1e6, a[2] / b[2] }'
# The probe, compiled as build.ts compiles the binary (minified, bytecode, CommonJS, no autoload).
"$BUN" build --compile --minify --bytecode --format=cjs --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
  --define 'VEGAS_VERSION="bench"' --define 'VEGAS_COMMIT="bench"' bench/hitSteps.ts --outfile "$work/hit-steps" >/dev/null
"$work/hit-steps" log >/dev/null
echo "what each step of a hit adds (bench/hitSteps.ts; median of $RUNS):"
previous=""
for step in load store profile entry output log; do
  line="$(median_of "$step" "$work/hit-steps" "$step")"
  awk -v line="$line" -v previous="$previous" -v base="$hello" 'BEGIN {
    split(line, a, " "); split(base, b, " ")
    if (previous == "") from = b[2]; else { split(previous, p, " "); from = p[2] }
    printf "  %-10s %6.2f M  (+%.2f M over %s)\n", a[1], a[2] / 1e6, (a[2] - from) / 1e6, previous == "" ? "hello-world" : p[1]
  }'
  previous="$line"
done
echo "wall time (hyperfine, same run):"
rounds "${2:-30}" "${3:-5}" "hello-world=$work/hello" "cached-assume=$PWD/dist/vegas-credentials assume --profile frank@concerts"
