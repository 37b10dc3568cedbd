#!/usr/bin/env bash
# A cached `assume` with the README's config next to the same with a config of 5,000 more profiles (what
# `granted sso populate` or aws-sso-util write for a large organization), and a compiled Bun hello-world, in
# the same rounds: the hit's cost should not grow with the config. Needs hyperfine, moto_server and script.
# Usage: bash bench/large-config.sh [RUNS_PER_ROUND] [ROUNDS] [PROFILES]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-30}"
ROUNDS="${2:-5}"
PROFILES="${3:-5000}"
source bench/lib.sh

"$BUN" run build.ts >/dev/null
build_hello
fill_cache "$PWD/dist/vegas-credentials"
large="$work/large-config"
cp "$AWS_CONFIG_FILE" "$large"
"$BUN" -e '
const [path, count] = [process.argv[1], Number(process.argv[2])];
const lines = [];
for (let index = 0; index < count; index++) {
  const account = String(100000000000 + index);
  lines.push("", `[profile org-${account}-AdministratorAccess]`, "sso_session = org", `sso_account_id = ${account}`, "sso_role_name = AdministratorAccess", "region = eu-west-1", "output = json");
}
lines.push("", "[sso-session org]", "sso_start_url = https://org.awsapps.com/start", "sso_region = eu-west-1", "");
require("node:fs").appendFileSync(path, lines.join("\n"));
' "$large" "$PROFILES"
# A memo is made only of a file whose last change is over 3 s old (see profileMemo.ts): older than that.
touch -d "-1 minute" "$large" "$AWS_CONFIG_FILE"
sleep 3.5
echo "large config: $(wc -c <"$large") bytes, $(grep -c '^\[profile' "$large") profiles"
rounds "$RUNS" "$ROUNDS" "hello-world=$work/hello" \
  "readme-config=/usr/bin/env AWS_CONFIG_FILE=$AWS_CONFIG_FILE $PWD/dist/vegas-credentials assume --profile frank@concerts" \
  "5000-profile-config=/usr/bin/env AWS_CONFIG_FILE=$large $PWD/dist/vegas-credentials assume --profile frank@concerts"
