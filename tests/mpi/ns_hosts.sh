#!/usr/bin/env bash
# ns_hosts.sh N DIR COMMAND...: build N hosts h1..hN on this machine and run COMMAND on h1.
# Run it under `unshare --mount --net --propagation private`: everything it makes lives in that
# new mount and network namespace and goes away with it. Each host is a network namespace and a
# UTS namespace (hostname hN), bound to files in DIR (a tmpfs mounted here), joined to every other
# host by a veth pair, with the address 10.213.0.N (private: only these namespaces hold it and
# nothing routes out of them); /etc/hosts (bind-mounted, in this mount namespace only) names them. The hosts share the
# file system, as hosts with the same gilbench installed do. ns_agent.sh enters them.
set -euo pipefail
n=$1 dir=$2
shift 2
mount -t tmpfs gb-ns-hosts "$dir"
ip link set lo up
printf '127.0.0.1 localhost\n' > "$dir/hosts"
for i in $(seq 1 "$n"); do
  touch "$dir/h$i.net" "$dir/h$i.uts"
  unshare --net="$dir/h$i.net" --uts="$dir/h$i.uts" hostname "h$i"
  printf '10.213.0.%d h%d\n' "$i" "$i" >> "$dir/hosts"
done
# A veth pair between every two hosts, with a /32 route to the peer over it.
for i in $(seq 1 "$n"); do
  for j in $(seq $((i + 1)) "$n"); do
    ip link add "to$j" netns "$dir/h$i.net" type veth peer name "to$i" netns "$dir/h$j.net"
  done
done
for i in $(seq 1 "$n"); do
  nsenter --net="$dir/h$i.net" sh -c "ip link set lo up
    for j in \$(seq 1 $n); do
      [ \$j -eq $i ] && continue
      ip addr add 10.213.0.$i/32 dev to\$j
      ip link set to\$j up
      ip route add 10.213.0.\$j/32 dev to\$j
    done"
done
mount --bind "$dir/hosts" /etc/hosts
export GB_NS_DIR=$dir
exec nsenter --net="$dir/h1.net" --uts="$dir/h1.uts" -- "$@"
