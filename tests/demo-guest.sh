#!/bin/bash
# The demo, inside the VM: what an administrator of the classic driver does.
OUT=$1
exec >"$OUT/demo.txt" 2>&1
mount -t tmpfs rbond-modules /usr/lib/modules
step() { echo; echo "# $*"; "$@"; }
set -e
step insmod "$RBOND_TOP/bonding.ko" mode=1 miimon=100
step ip link set bond0 up
step ip -d link show bond0
step cat /proc/net/bonding/bond0
step ethtool -i bond0
step rmmod bonding
echo
dmesg | grep -E 'bonding' | sed 's/^/kernel: /'
echo "demo: ok"
