# Shared by the bench scripts (sourced): a moto_server, a README profile whose cache is filled once by a code
# typed at a real pseudo-terminal, and rounds of hyperfine over several commands with their order rotated
# each round, so the slow drifts of a noisy machine fall on all of them alike.
BUN="${BUN:-$PWD/node_modules/.bin/bun}"
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

# The baseline: a compiled Bun hello-world at $work/hello, built with the switches build.ts uses.
build_hello() {
  "$BUN" build --compile --minify --bytecode --no-compile-autoload-dotenv --no-compile-autoload-bunfig bench/hello.ts --outfile "$work/hello" >/dev/null
}

# The build of commit REF, from its files in $work/base (node_modules shared): $work/base/dist/vegas-credentials.
build_ref() {
  mkdir "$work/base"
  git archive "$1" | tar -x -C "$work/base"
  ln -s "$PWD/node_modules" "$work/base/node_modules"
  (cd "$work/base" && "$BUN" run build.ts >/dev/null)
}

# Starts moto_server and fills the cache of a temp HOME through BINARY, so every build answers from it.
fill_cache() {
  local binary="$1" port
  port="$("$BUN" -e 'const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } }); console.log(s.port); s.stop(true)')"
  setsid moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done
  export HOME="$work/home" AWS_CONFIG_FILE="$work/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$work/home/.aws/credentials"
  export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$port" XDG_CACHE_HOME="$work/home/.cache" XDG_STATE_HOME="$work/home/.state"
  mkdir -p "$HOME/.aws"
  printf '[default]\nmfa_serial = arn:aws:iam::111111111111:mfa/FrankSinatra\n\n[profile frank@concerts]\ncredential_process = vegas-credentials assume --profile=frank@concerts\nvegas_role_arn = arn:aws:iam::222222222222:role/SingerRole\nvegas_source_profile = default\nregion = us-west-1\nduration_seconds = 4383\nrole_session_name = SinatraAtTheSands\nexternal_id = 0093624694724\n' >"$AWS_CONFIG_FILE"
  printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >"$AWS_SHARED_CREDENTIALS_FILE"
  (sleep 1; printf '123456\r') | script -qec "$binary assume --profile frank@concerts </dev/null >$work/first.json" /dev/null >/dev/null
  grep -q '"Version":1' "$work/first.json" || { echo "bench: the first assume did not produce credentials" >&2; exit 1; }
}

# rounds RUNS ROUNDS NAME=COMMAND...: the first is the baseline the others are divided by.
rounds() {
  local runs="$1" count="$2" round shift_by index
  shift 2
  local specs=("$@")
  for round in $(seq 1 "$count"); do
    local args=()
    shift_by=$((round % ${#specs[@]}))
    for index in $(seq 0 $((${#specs[@]} - 1))); do
      local spec="${specs[$(((index + shift_by) % ${#specs[@]}))]}"
      args+=(-n "${spec%%=*}" "${spec#*=}")
    done
    hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/round-$round.json" "${args[@]}" >/dev/null 2>&1
  done
  local names=()
  for spec in "${specs[@]}"; do names+=("${spec%%=*}"); done
  "$BUN" -e '
const [namesText, ...files] = process.argv.slice(1);
const names = namesText.split(",");
const rounds = files.map((file) => JSON.parse(require("node:fs").readFileSync(file, "utf8")).results);
const median = (values) => { const s = [...values].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const times = (name) => rounds.flatMap((results) => results.find((r) => r.command === name).times.map((t) => t * 1000));
const base = median(times(names[0]));
for (const name of names) console.log(`${name.padEnd(24)} median ${median(times(name)).toFixed(1).padStart(6)} ms   ${(median(times(name)) / base).toFixed(3)}x ${names[0]}`);
' "$(IFS=,; echo "${names[*]}")" "$work"/round-*.json
}
