#!/usr/bin/env bash
# setup.sh: install, with apt-get, every Debian package that building, running and testing
# gilbench needs, and only those that are missing. Idempotent; needs root (or sudo) only when
# something is missing.
set -euo pipefail

packages=(
  build-essential   # gcc, make, libc headers
  cmake
  pkg-config
  libinih-dev       # definition and suite files
  libjansson-dev    # results.json
  libgsl-dev        # statistics
  libcmocka-dev     # unit tests
  clang             # second compiler, checked by the tests' warning build
  python3           # reference generators and integration helpers
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
