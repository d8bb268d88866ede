#!/usr/bin/env python3
"""Host side of the VM tests' QEMU monitor access: the guest cannot reach
QMP, so it writes a request file into the shared directory and this agent
runs it on QEMU's QMP socket (e.g. set_link on a NIC, to cut a link "from
the switch side"). Usage: qmp-agent.py <shared dir> <qmp socket>.
Request: <dir>/qmp/req-<id> holding "set_link <nic id> on|off".
Answer:  <dir>/qmp/resp-<id> holding "ok" or the error."""
import json, os, socket, sys, time

shared, path = sys.argv[1], sys.argv[2]
qdir = os.path.join(shared, "qmp")
os.makedirs(qdir, exist_ok=True)

deadline = time.time() + 120
while not os.path.exists(path):
    if time.time() > deadline:
        sys.exit("qmp-agent: no QMP socket")
    time.sleep(0.1)
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for _ in range(100):
    try:
        sock.connect(path)
        break
    except OSError:
        time.sleep(0.1)
f = sock.makefile("rw")
f.readline()  # greeting


def qmp(cmd, **args):
    f.write(json.dumps({"execute": cmd, "arguments": args} if args else {"execute": cmd}) + "\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "return" in reply or "error" in reply:
            return reply


qmp("qmp_capabilities")
while True:
    for name in sorted(os.listdir(qdir)):
        if not name.startswith("req-"):
            continue
        req = os.path.join(qdir, name)
        words = open(req).read().split()
        os.unlink(req)
        if len(words) == 3 and words[0] == "set_link":
            reply = qmp("set_link", name=words[1], up=(words[2] == "on"))
        else:
            reply = {"error": f"unknown request {words}"}
        answer = "ok" if "return" in reply else json.dumps(reply.get("error"))
        tmp = os.path.join(qdir, "tmp-" + name[4:])
        with open(tmp, "w") as out:
            out.write(answer + "\n")
        os.rename(tmp, os.path.join(qdir, "resp-" + name[4:]))
    time.sleep(0.02)
