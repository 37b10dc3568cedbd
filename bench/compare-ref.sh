#!/usr/bin/env bash
# Cached `assume` of this tree against the build of an earlier commit, in the same run (noisy machines:
# only the ratio means much). Both binaries answer from the same cache.
# Usage: bash bench/compare-ref.sh REF [RUNS_PER_ROUND] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
REF="${1:?name a commit to compare with}"
RUNS="${2:-30}"
ROUNDS="${3:-6}"
BUN="${BUN:-$PWD/node_modules/.bin/bun}"
for tool in hyperfine moto_server script; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done

work="$(mktemp -d)"
moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ]; then kill -- "-$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$BUN" run build.ts >/dev/null
mkdir "$work/base"
git archive "$REF" | tar -x -C "$work/base"
ln -s "$PWD/node_modules" "$work/base/node_modules"
(cd "$work/base" && "$BUN" run build.ts >/dev/null)

port="$("$BUN" -e 'const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } }); console.log(s.port); s.stop(true)')"
setsid moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done

export HOME="$work/home" AWS_CONFIG_FILE="$work/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$work/home/.aws/credentials"
export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$port" XDG_CACHE_HOME="$work/home/.cache" XDG_STATE_HOME="$work/home/.state"
mkdir -p "$HOME/.aws"
printf '[default]\nmfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra\n\n[profile frank@concerts]\ncredential_process = vegas-credentials assume --profile=frank@concerts\nvegas_role_arn = arn:aws:iam::222222222222:role/SingerRole\nvegas_source_profile = default\nregion = us-west-1\n' >"$AWS_CONFIG_FILE"
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >"$AWS_SHARED_CREDENTIALS_FILE"
(sleep 1; printf '123456\r') | script -qec "dist/vegas-credentials assume --profile frank@concerts </dev/null >$work/first.json" /dev/null >/dev/null
grep -q '"Version":1' "$work/first.json" || { echo "bench: the first assume did not produce credentials" >&2; exit 1; }

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order=(base head); else order=(head base); fi
  args=()
  for name in "${order[@]}"; do
    if [ "$name" = base ]; then args+=(-n base "$work/base/dist/vegas-credentials assume --profile frank@concerts"); else args+=(-n head "dist/vegas-credentials assume --profile frank@concerts"); fi
  done
  hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$work/round-$round.json" "${args[@]}" >/dev/null 2>&1
done

"$BUN" -e '
const rounds = process.argv.slice(2).map((file) => JSON.parse(require("node:fs").readFileSync(file, "utf8")).results);
const median = (values) => { const s = [...values].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const times = (name) => rounds.flatMap((results) => results.find((r) => r.command === name).times.map((t) => t * 1000));
const base = median(times("base")), head = median(times("head"));
console.log(`base (${process.argv[1]}) median ${base.toFixed(1)} ms`);
console.log(`head median ${head.toFixed(1)} ms`);
console.log(`ratio head/base ${(head / base).toFixed(3)}`);
' "$REF" "$work"/round-*.json
