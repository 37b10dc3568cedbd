#!/usr/bin/env bash
# Median time of a cached `vegas-credentials assume` next to a compiled Bun hello-world, measured in the
# same run (these machines are noisy: only the ratio means much). Needs hyperfine, moto_server and script.
# Usage: bash bench/cached-assume.sh [RUNS_PER_ROUND] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-30}"
ROUNDS="${2:-10}"
BUN="${BUN:-node_modules/.bin/bun}"
for tool in hyperfine moto_server script; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install hyperfine; moto_server comes with moto)" >&2; exit 1; }
done

work="$(mktemp -d)"
moto_pid=""
cleanup() {
  if [ -n "$moto_pid" ]; then kill -- "-$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$BUN" run build.ts >/dev/null
"$BUN" build --compile --minify --bytecode bench/hello.ts --outfile "$work/hello" >/dev/null

port="$("$BUN" -e 'const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } }); console.log(s.port); s.stop(true)')"
setsid moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done

export HOME="$work/home" AWS_CONFIG_FILE="$work/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$work/home/.aws/credentials"
export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$port" XDG_CACHE_HOME="$work/home/.cache"
mkdir -p "$HOME/.aws"
cat >"$AWS_CONFIG_FILE" <<CONFIG
[default]
mfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra

[profile frank@concerts]
credential_process = $PWD/dist/vegas-credentials assume --profile=frank@concerts
vegas_role_arn = arn:aws:iam::222222222222:role/SingerRole
vegas_source_profile = default
region = us-west-1
duration_seconds = 4383
role_session_name = SinatraAtTheSands
external_id = 0093624694724
CONFIG
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >"$AWS_SHARED_CREDENTIALS_FILE"

# Fill the cache once: the code is typed at a real pseudo-terminal.
(sleep 1; printf '123456\r') | script -qec "dist/vegas-credentials assume --profile frank@concerts </dev/null >$work/first.json" /dev/null >/dev/null
grep -q '"Version":1' "$work/first.json" || { echo "bench: the first assume did not produce credentials" >&2; exit 1; }

# Rounds of hyperfine, the order swapped each round, so the slow drifts of a noisy machine fall on both alike.
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order=(hello assume); else order=(assume hello); fi
  args=()
  for name in "${order[@]}"; do
    if [ "$name" = hello ]; then args+=(-n hello-world "$work/hello"); else args+=(-n cached-assume "dist/vegas-credentials assume --profile frank@concerts"); fi
  done
  hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$work/round-$round.json" "${args[@]}" >/dev/null 2>&1
done

"$BUN" -e '
const rounds = process.argv.slice(1).map((file) => JSON.parse(require("node:fs").readFileSync(file, "utf8")).results);
const median = (values) => { const s = [...values].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const times = (name) => rounds.flatMap((results) => results.find((r) => r.command === name).times.map((t) => t * 1000));
const floor = median(times("hello-world")), assume = median(times("cached-assume"));
const perRound = rounds.map((results) => median(results.find((r) => r.command === "cached-assume").times) / median(results.find((r) => r.command === "hello-world").times));
console.log(`hello-world   median ${floor.toFixed(1)} ms`);
console.log(`cached assume median ${assume.toFixed(1)} ms`);
console.log(`ratio         ${(assume / floor).toFixed(2)}x the floor (per round: ${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}; target: at most 1.5x)`);
' "$work"/round-*.json
