#!/bin/bash
# The demo, inside the VM: what an administrator of the classic driver does.
OUT=$1
exec >"$OUT/demo.txt" 2>&1
mount -t tmpfs rbond-modules /usr/lib/modules
IFENSLAVE=$RBOND_TOP/target/x86_64-unknown-linux-gnu/release/ifenslave
step() { echo; echo "# $*"; "$@"; }
. "$RBOND_TOP/scripts/errtrap.sh"
set -e

# A "switch": a bridge in another network namespace, with a host on it.
ip netns add switch
ip -n switch link add br0 type bridge
for i in 0 1; do
	ip link add eth$i type veth peer name port$i netns switch
	ip -n switch link set port$i master br0
	ip -n switch link set port$i up
done
ip -n switch link set br0 up
ip -n switch addr add 192.0.2.2/24 dev br0

step insmod "$RBOND_TOP/bonding.ko" mode=1 miimon=100
step ip link set bond0 up
step ip addr add 192.0.2.1/24 dev bond0
step "$IFENSLAVE" bond0 eth0 eth1
step ip -d link show bond0
step ping -c 2 192.0.2.2
step cat /proc/net/bonding/bond0
echo
echo "# the switch port of the active slave fails"
step ip -n switch link set port0 down
sleep 1
step ping -c 2 192.0.2.2
step grep -A1 -E "^Currently Active|^Slave Interface" /proc/net/bonding/bond0
step ethtool -i bond0
step "$IFENSLAVE" -d bond0 eth0 eth1
step rmmod bonding
echo
dmesg | grep -E 'bonding|bond0' | sed 's/^/kernel: /'
echo "demo: ok"
