#!/usr/bin/env bash
# A hit costs the same with the source's key in the Secret Service (vegas_keys = os) as with it in the
# credentials file: strace shows no program started and no D-Bus connection on a hit, and callgrind counts
# the instructions of both (median of RUNS, JSC's concurrent collector off so the count holds still).
# Needs strace, valgrind, hyperfine, moto_server, script, dbus-daemon, gnome-keyring-daemon, secret-tool.
# With REF, the build of that commit (before the keystore) is counted too, on the credentials-file config.
# Usage: bash bench/keystore-hit.sh [RUNS] [REF]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
REF="${2:-}"
for tool in strace valgrind dbus-daemon gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install strace valgrind dbus gnome-keyring libsecret-tools)" >&2; exit 1; }
done
source bench/lib.sh
binary="$PWD/dist/vegas-credentials"

"$BUN" run build.ts >/dev/null
fill_cache "$binary"

# A private session bus with an unlocked GNOME Keyring on it, as a desktop login leaves it.
bus="$work/bus"
mkdir -p "$work/keyring/run" "$work/keyring/data" && chmod 700 "$work/keyring/run"
keyring_env=(env HOME="$work/keyring" XDG_RUNTIME_DIR="$work/keyring/run" XDG_DATA_HOME="$work/keyring/data" DBUS_SESSION_BUS_ADDRESS="unix:path=$bus")
setsid "${keyring_env[@]}" dbus-daemon --session --nofork --nopidfile --address="unix:path=$bus" >/dev/null 2>&1 &
bus_pid=$!
for _ in $(seq 1 100); do [ -S "$bus" ] && break; sleep 0.05; done
printf 'bench-keyring' | setsid "${keyring_env[@]}" gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring_pid=$!
trap 'kill -- "-$keyring_pid" "-$bus_pid" 2>/dev/null || true; cleanup' EXIT
export DBUS_SESSION_BUS_ADDRESS="unix:path=$bus"
for _ in $(seq 1 100); do dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true && break; sleep 0.05; done

cp "$AWS_CONFIG_FILE" "$work/config-credentials-file"
"$binary" keys import -p default >/dev/null
grep -q '^vegas_keys = os' "$AWS_CONFIG_FILE" || { echo "bench: keys import did not set vegas_keys" >&2; exit 1; }
cp "$AWS_CONFIG_FILE" "$work/config-keystore"

echo "a hit with vegas_keys = os, under strace (execve and connect of the process and any child):"
strace -f -qq -e trace=execve,connect -o "$work/trace" "$binary" assume --profile frank@concerts >/dev/null
echo "  programs started: $(grep -c 'execve(' "$work/trace") ($(grep -o 'execve("[^"]*"' "$work/trace" | sed 's/execve(//' | tr '\n' ' '))"
echo "  connections: $(grep -c 'connect(' "$work/trace" || true); to the session bus: $(grep -c "$bus" "$work/trace" || true)"

[ -z "$REF" ] || build_ref "$REF"

instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file "$@" 2>&1 >/dev/null | sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
median() {
  local values=()
  for _ in $(seq 1 "$RUNS"); do values+=("$(AWS_CONFIG_FILE="$1" BUN_JSC_useConcurrentGC=0 instructions "${2:-$binary}" assume --profile frank@concerts)"); done
  printf '%s\n' "${values[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
plain="$(median "$work/config-credentials-file")"
stored="$(median "$work/config-keystore")"
before="$([ -z "$REF" ] || median "$work/config-credentials-file" "$work/base/dist/vegas-credentials")"
awk -v plain="$plain" -v stored="$stored" -v before="$before" -v ref="$REF" -v runs="$RUNS" 'BEGIN {
  printf "instructions of a hit (callgrind, median of %d, BUN_JSC_useConcurrentGC=0):\n", runs
  printf "  key in the credentials file  %6.2f M\n", plain / 1e6
  printf "  key in the Secret Service    %6.2f M  %.3fx\n", stored / 1e6, stored / plain
  if (before != "") printf "  %s, credentials file   %6.2f M  %.3fx\n", ref, before / 1e6, before / plain
}'
