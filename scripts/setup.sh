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
  libuv1-dev        # the async strategy's event loops; optional (async is unavailable without)
  libhwloc-dev      # topology and pinning (--bind, gilbench topo, topology.xml); optional
  hwloc             # lstopo and hwloc-calc: the tests check `gilbench topo` against them
  libpapi-dev       # hardware counters (--counters); optional, perf_event_open and getrusage otherwise
  papi-tools        # papi_avail: the tests check PAPI's verdict against it
  linux-perf        # perf stat, to cross-check counters by hand (not needed to build or test)
  clang             # second compiler: sanitizer builds and libFuzzer
  libclang-rt-14-dev  # clang's sanitizer and libFuzzer runtimes
  libomp-14-dev     # LLVM's OpenMP runtime and its Archer tool, for the TSan build
  python3           # reference generators and integration helpers
  gnuplot-nox       # the report's charts (gilbench report, compare), found at run time
  fonts-dejavu-core # the charts' and the browser test's text
  chromium          # the report's browser test: headless screenshots at phone and laptop sizes
  python3-dev       # the embedded CPython (cpython-* strategies, the _gilbench module)
)

# Optional tiers, each for strategies that are unavailable (with the reason) without it:
#   --with pythons   PyPy and Jython (the pypy-* and jython-* families) with a Java runtime
#   --with all       every tier (scripts/test.sh)
# scripts/run.sh installs only what the default suite needs (no tier).
tiers=""
while [ $# -gt 0 ]; do
  case "$1" in
    --with) tiers="$tiers,${2:?--with needs a tier: pythons or all}"; shift 2 ;;
    --with=*) tiers="$tiers,${1#--with=}"; shift ;;
    *) echo "setup: unknown argument '$1' (expected --with pythons|all)" >&2; exit 2 ;;
  esac
done
for t in ${tiers//,/ }; do
  case "$t" in
    pythons|all)
      packages+=(
        pypy3                  # pypy-* (Debian 12: PyPy 7.3.11, Python 3.9)
        jython                 # jython-* (2.7.3)
        default-jre-headless   # Jython's Java runtime
      ) ;;
    *) echo "setup: unknown tier '$t' (expected pythons or all)" >&2; exit 2 ;;
  esac
done

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
