#!/usr/bin/env bash
# setup.sh [--with TIER[,TIER...]]...: install, with apt-get, every Debian package that building,
# running and testing gilbench needs, and only those that are missing. Idempotent; needs root (or
# sudo) only when something is missing. The base installs what the default suite and the build
# need; each tier adds what some strategies need (they are listed as unavailable, with the reason,
# without it):
#   python-libs  NumPy, joblib, Dask (Debian) and Ray, PySpark (the Python Package Index, into the
#                project's virtual environment .venv/, made from Debian's python3 with the
#                system's packages visible), and a Java runtime for Spark
#   pythons      PyPy and Jython (the pypy-* and jython-* families) and a Java runtime
#   mpi          Open MPI and mpi4py (the mpi strategy and its tests), iproute2 (the tests' hosts
#                made of network namespaces; util-linux has unshare and nsenter)
#   all          every tier
set -euo pipefail
cd "$(dirname "$0")/.."

all_tiers=(python-libs mpi pythons)
tiers=()
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --with) [ $# -ge 2 ] || { echo "setup: --with needs a tier" >&2; exit 2; }; IFS=, read -ra t <<< "$2"; tiers+=("${t[@]}"); shift ;;
    --with=*) IFS=, read -ra t <<< "${1#--with=}"; tiers+=("${t[@]}") ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
want=()
for t in "${tiers[@]+"${tiers[@]}"}"; do
  case $t in
    all) want+=("${all_tiers[@]}") ;;
    python-libs | mpi | pythons) want+=("$t") ;;
    *) echo "setup: unknown tier '$t' (tiers: ${all_tiers[*]}, all)" >&2; exit 2 ;;
  esac
done
has_tier() { local t; for t in "${want[@]+"${want[@]}"}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

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
  hwloc             # lstopo (lstopo-no-graphics draws the report's topology picture) and hwloc-calc
                    # (the tests check `gilbench topo` against them); hwloc-nox has no lstopo with PNG
  libpapi-dev       # hardware counters (--counters); optional, perf_event_open and getrusage otherwise
  papi-tools        # papi_avail: the tests check PAPI's verdict against it
  linux-perf        # perf stat, to cross-check counters by hand (not needed to build or test)
  clang             # second compiler: sanitizer builds and libFuzzer
  universal-ctags   # scripts/check-functions.sh: each C function's first and last line
  clang-format-14   # scripts/format.sh --check (pinned: other versions format differently)
  libclang-rt-14-dev  # clang's sanitizer and libFuzzer runtimes
  libomp-14-dev     # LLVM's OpenMP runtime and its Archer tool, for the TSan build
  python3           # reference generators and integration helpers
  gnuplot-nox       # the report's charts (gilbench report, compare), found at run time
  fonts-dejavu-core # the charts' and the browser test's text
  chromium          # the report's browser test: headless screenshots at phone and laptop sizes
  python3-dev       # the embedded CPython (cpython-* strategies, the _gilbench module)
)
if has_tier python-libs; then
  packages+=(
    python3-numpy       # python = numpy phases
    python3-joblib      # cpython-joblib
    python3-dask        # cpython-dask
    python3-distributed # cpython-dask.scheduler=distributed
    python3-venv        # the project's virtual environment for Ray and PySpark
    default-jre-headless # Spark's JVM
  )
fi

if has_tier pythons; then
  packages+=(
    pypy3                # pypy-* (Debian 12: PyPy 7.3.11, Python 3.9)
    jython               # jython-* (2.7.3)
    hyperfine            # scripts/bench-agreement.sh times the plain scripts with it
    default-jre-headless # Jython's Java runtime
  )
fi
if has_tier mpi; then
  packages+=(
    openmpi-bin     # mpiexec and orted: the mpi strategy's launcher and daemons
    libopenmpi-dev  # mpi.h and libmpi, found by CMake's FindMPI
    python3-mpi4py  # MPI for Python
    iproute2        # ip: the mpi tests build hosts from network namespaces
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if has_tier python-libs; then
  # Ray and PySpark are not packaged by Debian: the Python Package Index, pinned to the versions
  # measured here, into .venv (made from Debian's python3, so the same interpreter binary runs
  # every cpython-* strategy). Unreachable, they stay unavailable with the reason; never a failure.
  venv=.venv
  if [ ! -x "$venv/bin/python" ]; then
    /usr/bin/python3 -m venv --system-site-packages "$venv"
  fi
  if "$venv/bin/python" -c 'import ray, pyspark' 2>/dev/null; then
    echo "setup: ray and pyspark present in $venv"
  elif "$venv/bin/pip" install -q --disable-pip-version-check 'ray==2.60.0' 'pyspark==4.3.0'; then
    echo "setup: installed ray and pyspark into $venv"
  else
    echo "setup: WARNING: could not install ray and pyspark into $venv from the Python Package" \
         "Index; cpython-ray and cpython-spark will be listed as unavailable" >&2
  fi
fi
