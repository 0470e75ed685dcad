#!/bin/sh
# ns_agent.sh: Open MPI's plm_rsh_agent for the tests' hosts made of namespaces (ns_hosts.sh).
# Called as ssh would be: AGENT [OPTIONS] HOST COMMAND...; it enters HOST's network and UTS
# namespaces (their files in $GB_NS_DIR) and runs COMMAND through a shell, as sshd would.
set -eu
while [ $# -gt 0 ]; do
  case "$1" in
    -*) shift ;; # options meant for ssh
    *) break ;;
  esac
done
host=$1
shift
case "$host" in
  h[1-9]) ;;
  *) echo "ns_agent.sh: no such test host '$host'" >&2; exit 255 ;;
esac
exec nsenter --net="$GB_NS_DIR/$host.net" --uts="$GB_NS_DIR/$host.uts" -- /bin/sh -c "$*"
