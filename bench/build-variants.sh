#!/usr/bin/env bash
# The release build options, measured: size and cached `assume` time of the host binary built plain, with
# --minify, and with --minify --bytecode (what build.ts uses), next to a compiled hello-world, same run.
# Usage: bash bench/build-variants.sh [RUNS_PER_ROUND] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-30}"
ROUNDS="${2:-6}"
source bench/lib.sh

"$BUN" run build.ts --outdir "$work/plain" --no-minify --no-bytecode >/dev/null
"$BUN" run build.ts --outdir "$work/minify" --no-bytecode >/dev/null
"$BUN" run build.ts --outdir "$work/minify-bytecode" >/dev/null
build_hello
for variant in plain minify minify-bytecode; do
  printf '%-24s %s bytes\n' "$variant" "$(wc -c <"$work/$variant/vegas-credentials")"
done

fill_cache "$work/minify-bytecode/vegas-credentials"
rounds "$RUNS" "$ROUNDS" \
  "hello-world=$work/hello" \
  "plain=$work/plain/vegas-credentials assume --profile frank@concerts" \
  "minify=$work/minify/vegas-credentials assume --profile frank@concerts" \
  "minify-bytecode=$work/minify-bytecode/vegas-credentials assume --profile frank@concerts"
