#!/usr/bin/env python3
"""Prints what `ip -j -d link show` says of the given devices, reduced to
what a bond driver decides (flags, MTU, master, queues, linkinfo), one JSON
line per device, so that two drivers' outputs can be compared as text.
Interface indexes and counters are left out; MAC addresses stay (the tests
give the slaves fixed ones)."""
import json
import subprocess
import sys

KEEP = ("ifname", "flags", "mtu", "master", "operstate", "num_tx_queues", "num_rx_queues",
        "min_mtu", "max_mtu", "promiscuity", "allmulti", "address", "linkinfo")

for dev in sys.argv[1:]:
    out = subprocess.run(["ip", "-j", "-d", "link", "show", "dev", dev], check=True,
                         capture_output=True, text=True).stdout
    (info,) = json.loads(out)
    print(json.dumps({k: info[k] for k in KEEP if k in info}, sort_keys=True))
