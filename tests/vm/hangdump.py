#!/usr/bin/env python3
"""What every task is blocked on, for a test that is about to time out
(tests/vm/guest-runner.sh's watchdog): first the tasks running (R) or in
uninterruptible sleep (D), kernel threads included, with their kernel
stacks and system calls, then every other user-space process. One process, so that it finishes in
seconds under TCG with hundreds of tasks."""
import os


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def task(pid):
    status = dict(line.split(":\t", 1) for line in read(f"/proc/{pid}/status").splitlines() if ":\t" in line)
    cmd = read(f"/proc/{pid}/cmdline").replace("\0", " ").strip()[:200]
    return {
        "pid": pid,
        "state": status.get("State", "?"),
        "comm": status.get("Name", "?"),
        "ppid": status.get("PPid", "?"),
        "cmd": cmd,
        "wchan": read(f"/proc/{pid}/wchan"),
        # "running" when in user space, else the system call and its arguments.
        "syscall": read(f"/proc/{pid}/syscall").strip(),
        "stack": read(f"/proc/{pid}/stack"),
    }


def show(t):
    print(f"== {t['pid']} ({t['comm']}) ppid {t['ppid']} state {t['state']} wchan {t['wchan']} syscall {t['syscall']}")
    if t["cmd"]:
        print(f"   {t['cmd']}")
    print(t["stack"], end="")


def main():
    tasks = []
    for pid in sorted((int(p) for p in os.listdir("/proc") if p.isdigit())):
        if pid == os.getpid():
            continue
        tasks.append(task(pid))
        # Threads of a process (kworkers are processes of their own).
        for tid in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
            if int(tid) != pid:
                t = task(f"{pid}/task/{tid}")
                if t["state"].startswith("D"):
                    tasks.append(t)
    print("# tasks running or in uninterruptible sleep")
    for t in tasks:
        if t["state"][:1] in "RD":
            show(t)
    print("# the other user-space processes")
    for t in tasks:
        if t["cmd"] and t["state"][:1] not in "RD":
            show(t)


if __name__ == "__main__":
    main()
