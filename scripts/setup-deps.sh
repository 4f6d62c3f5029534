#!/usr/bin/env bash
# Installs everything planwise needs to build and test on Debian 12, idempotently:
# Debian packages (only those missing) and the pinned DuckDB C library, fetched with
# `npm pack`, verified by sha256 and unpacked into deps/duckdb/ (git-ignored).
# A second run finds everything in place and touches neither apt nor the network.
set -euo pipefail

DUCKDB_VERSION=1.4.4
BINDINGS_PKG="@duckdb/node-bindings-linux-x64@${DUCKDB_VERSION}-r.1"
BINDINGS_TGZ="duckdb-node-bindings-linux-x64-${DUCKDB_VERSION}-r.1.tgz"
BINDINGS_SHA256=8ac460b152cd05a95065a414879bb09e40534b1fb7a80a7afe6969b6ce039029
HEADER_PKG="duckdb@${DUCKDB_VERSION}"
HEADER_TGZ="duckdb-${DUCKDB_VERSION}.tgz"
HEADER_SHA256=5bb967dcbcd517670ba5f169f238fb9d6787e53752c60ebe24386169d76941ed

# libxlsxwriter: Excel export; Open MPI: ensembles across ranks; chromium: the
# HTML report's browser test (headless, only used by the tests, with python3);
# jq: tests read JSON outputs.
DEBIAN_PACKAGES=(gcc make pkg-config libyaml-dev liblz4-dev libcmocka-dev ca-certificates time
                 libxlsxwriter-dev libopenmpi-dev openmpi-bin chromium python3 jq)

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/deps/duckdb"
say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- DuckDB ------------------------------------------------------------------
stamp="$dest/.installed-${DUCKDB_VERSION}"
if [ -f "$stamp" ] && [ -f "$dest/lib/libduckdb.so" ] && [ -f "$dest/include/duckdb.h" ]; then
  exit 0
fi

command -v npm >/dev/null 2>&1 || {
  say "installing Debian package npm (needed to fetch DuckDB)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # package tarball sha256
  local pkg=$1 tgz=$2 sum=$3 cache="$root/deps/cache/$2"
  if [ -f "$cache" ] && echo "$sum  $cache" | sha256sum -c --status; then
    cp "$cache" "$work/$tgz"; return
  fi
  say "fetching $pkg"
  (cd "$work" && npm pack --silent "$pkg" >/dev/null 2>"$work/npm.err") ||
    die "npm pack $pkg failed: $(tail -n 3 "$work/npm.err")"
  [ -f "$work/$tgz" ] || die "npm pack $pkg did not produce $tgz"
  echo "$sum  $work/$tgz" | sha256sum -c --status ||
    die "checksum mismatch for $tgz (expected sha256 $sum, got $(sha256sum "$work/$tgz" | cut -d' ' -f1)); refusing to install it"
  mkdir -p "$root/deps/cache" && cp "$work/$tgz" "$cache"
}

fetch "$BINDINGS_PKG" "$BINDINGS_TGZ" "$BINDINGS_SHA256"
fetch "$HEADER_PKG" "$HEADER_TGZ" "$HEADER_SHA256"

tar -xzf "$work/$BINDINGS_TGZ" -C "$work" package/libduckdb.so ||
  die "$BINDINGS_TGZ does not contain package/libduckdb.so"
mv "$work/package/libduckdb.so" "$work/libduckdb.so"
tar -xzf "$work/$HEADER_TGZ" -C "$work" package/src/duckdb/src/include/duckdb.h ||
  die "$HEADER_TGZ does not contain src/duckdb/src/include/duckdb.h"

rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/lib" "$dest.tmp/include"
mv "$work/libduckdb.so" "$dest.tmp/lib/"
mv "$work/package/src/duckdb/src/include/duckdb.h" "$dest.tmp/include/"
touch "$dest.tmp/.installed-${DUCKDB_VERSION}"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
say "DuckDB ${DUCKDB_VERSION} installed in deps/duckdb"
