#!/bin/sh
# shellcheck disable=SC2016 # $VARIABLES in the messages are meant literally
# Installs the vegas-credentials binary for this machine from a release archive, after checking its SHA-256.
#   curl -fsSL https://github.com/vegas-credentials/vegas-credentials/releases/latest/download/install.sh | sh
#   sh install.sh [--dir DIR] [--base-url URL]
# Environment: VEGAS_CREDENTIALS_INSTALL_DIR (default ~/.local/bin), VEGAS_CREDENTIALS_BASE_URL (where the
# release files are; default the latest GitHub release). Re-running it upgrades in place.
set -eu

# The project's GitHub repository: releases are published there by .github/workflows/release.yml.
REPOSITORY="vegas-credentials/vegas-credentials"

fail() {
  printf 'install.sh: %s\n' "$1" >&2
  exit 1
}

usage() {
  printf 'usage: install.sh [--dir DIR] [--base-url URL]\n'
  printf '  --dir DIR        install into DIR (default: $VEGAS_CREDENTIALS_INSTALL_DIR, else ~/.local/bin)\n'
  printf '  --base-url URL   download from URL (default: $VEGAS_CREDENTIALS_BASE_URL, else the latest release)\n'
}

base_url="${VEGAS_CREDENTIALS_BASE_URL:-https://github.com/$REPOSITORY/releases/latest/download}"
install_dir="${VEGAS_CREDENTIALS_INSTALL_DIR:-${HOME:?HOME is not set}/.local/bin}"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || fail "--dir needs a folder"; install_dir="$2"; shift 2 ;;
    --dir=*) install_dir="${1#--dir=}"; shift ;;
    --base-url) [ $# -ge 2 ] || fail "--base-url needs a URL"; base_url="$2"; shift 2 ;;
    --base-url=*) base_url="${1#--base-url=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; fail "unknown option: $1" ;;
  esac
done
base_url="${base_url%/}"

# Which build: the OS and CPU from uname, and on Linux whether the C library is musl (Alpine).
os="$(uname -s)"
arch="$(uname -m)"
case "$os" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT)
    fail "this is Windows: in PowerShell run  irm https://github.com/$REPOSITORY/releases/latest/download/install.ps1 | iex" ;;
  *) fail "there is no vegas-credentials build for $os ($arch): builds exist for Linux and macOS (x64, arm64) and Windows (x64)" ;;
esac
case "$arch" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "there is no vegas-credentials build for $os on $arch: builds exist for x64 and arm64" ;;
esac
# A shell under Rosetta on an Apple silicon Mac says x86_64: the arm64 build is the native one.
if [ "$os" = darwin ] && [ "$arch" = x64 ] && [ "$(sysctl -n hw.optional.arm64 2>/dev/null || echo 0)" = 1 ]; then
  arch=arm64
fi
if [ "$os" = linux ] && { ls /lib/ld-musl-* >/dev/null 2>&1 || ldd --version 2>&1 | grep -qi musl; }; then
  [ "$arch" = x64 ] || fail "there is no vegas-credentials build for musl Linux on arm64: only x64 (or use a glibc system)"
  arch=x64-musl
fi
name="vegas-credentials-$os-$arch"
archive="$name.tar.gz"

download() {
  if command -v curl >/dev/null 2>&1; then
    said="$(curl -fsSL --retry 2 -o "$2" "$1" 2>&1)" || fail "could not download $1 ($said)"
  elif command -v wget >/dev/null 2>&1; then
    said="$(wget -q -O "$2" "$1" 2>&1)" || fail "could not download $1 (wget: ${said:-failed})"
  else
    fail "neither curl nor wget is installed: install one of them and run this again"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    fail "neither sha256sum nor shasum is installed: cannot check the download, so nothing was installed"
  fi
}

work="$(mktemp -d 2>/dev/null || mktemp -d -t vegas-credentials)"
trap 'rm -rf "$work"' EXIT INT TERM

printf 'Downloading %s from %s\n' "$archive" "$base_url"
download "$base_url/$archive" "$work/$archive"
download "$base_url/SHA256SUMS" "$work/SHA256SUMS"
expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$work/SHA256SUMS")"
[ -n "$expected" ] || fail "SHA256SUMS has no line for $archive: refusing to install it (nothing was installed)"
actual="$(sha256 "$work/$archive")"
[ "$expected" = "$actual" ] || fail "the SHA-256 of $archive is $actual, but SHA256SUMS says $expected: refusing to install it (nothing was installed)"
# Only the binary comes out of the (checked) archive.
mkdir "$work/unpacked"
said="$(tar -xzf "$work/$archive" -C "$work/unpacked" vegas-credentials 2>&1)" || fail "could not take vegas-credentials out of $archive ($(printf '%s' "$said" | head -n 1)): nothing was installed"

# Into place in one rename, so a running AWS tool never sees half a binary.
mkdir -p "$install_dir" || fail "cannot create $install_dir"
target="$install_dir/vegas-credentials"
cp "$work/unpacked/vegas-credentials" "$install_dir/.vegas-credentials.new.$$" || fail "cannot write into $install_dir"
chmod 755 "$install_dir/.vegas-credentials.new.$$"
mv -f "$install_dir/.vegas-credentials.new.$$" "$target" || fail "cannot replace $target"
version="$("$target" version 2>/dev/null)" || fail "installed $target, but it does not run here: $("$target" version 2>&1 | head -n 1)"

printf 'Installed vegas-credentials %s as %s\n' "$version" "$target"
case ":${PATH:-}:" in
  *":$install_dir:"*) ;;
  *)
    printf '\n%s is not on your PATH. Add this line to ~/.profile (or ~/.bashrc, ~/.zshrc) and open a new shell:\n' "$install_dir"
    printf '  export PATH="%s:$PATH"\n' "$install_dir"
    ;;
esac
printf '\nIn ~/.aws/config, point credential_process at it by its full path:\n'
printf '  credential_process = %s assume --profile=NAME\n' "$target"
