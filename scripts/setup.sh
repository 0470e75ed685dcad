#!/usr/bin/env bash
# setup.sh: install, with apt-get, every Debian package that building, running and testing
# gilbench needs, and only those that are missing. Idempotent; needs root (or sudo) only when
# something is missing. Optional tiers add theirs: `--with mpi` (or `--with a,b`, or `--with`
# repeated); an unknown tier is an error.
#   mpi: Open MPI and mpi4py (the mpi strategy and its tests), iproute2 (the tests' hosts made of
#        network namespaces)
set -euo pipefail

tiers=()
while [ $# -gt 0 ]; do
  case "$1" in
    --with) [ $# -ge 2 ] || { echo "setup: --with needs a tier name" >&2; exit 2; }
            IFS=, read -ra t <<< "$2"; tiers+=("${t[@]}"); shift 2 ;;
    --with=*) IFS=, read -ra t <<< "${1#--with=}"; tiers+=("${t[@]}"); shift ;;
    *) echo "setup: unknown argument '$1' (usage: setup.sh [--with TIER[,TIER]]...)" >&2; exit 2 ;;
  esac
done

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

for tier in "${tiers[@]}"; do
  case "$tier" in
    mpi) packages+=(
      openmpi-bin     # mpiexec and orted: the mpi strategy's launcher and daemons
      libopenmpi-dev  # mpi.h and libmpi, found by CMake's FindMPI
      python3-mpi4py  # MPI for Python
      iproute2        # ip: the mpi tests build hosts from network namespaces (util-linux has nsenter)
    ) ;;
    *) echo "setup: unknown tier '$tier' (known: mpi)" >&2; exit 2 ;;
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
