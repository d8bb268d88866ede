#!/usr/bin/env python3
"""Runs sysfs reads and writes from stdin, one per line, and prints each
with its outcome, so that two drivers' transcripts compare as text:

    r PATH          prints PATH's contents (or the errno of the read)
    w PATH VALUE    writes VALUE (with a newline) and prints ok or the errno
    n PATH VALUE    the same without the newline
    ls DIR          lists DIR's files with their modes
"""
import errno
import os
import sys

for line in sys.stdin:
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    op, _, rest = line.partition(" ")
    if op == "r":
        try:
            with open(rest, "rb") as f:
                print(f"r {rest}: {f.read().decode(errors='replace')!r}")
        except OSError as e:
            print(f"r {rest}: {errno.errorcode[e.errno]}")
    elif op in ("w", "n"):
        path, _, value = rest.partition(" ")
        try:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, (value + ("\n" if op == "w" else "")).encode())
                res = "ok"
            finally:
                os.close(fd)
        except OSError as e:
            res = errno.errorcode[e.errno]
        print(f"{op} {path} {value!r}: {res}")
    elif op == "ls":
        for name in sorted(os.listdir(rest)):
            st = os.stat(os.path.join(rest, name))
            print(f"ls {rest}/{name} {st.st_mode & 0o777:o}")
    sys.stdout.flush()
