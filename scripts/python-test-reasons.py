#!/usr/bin/env python3
"""The tests that fail or error inside cella but pass natively, each with
the exception that ended it and the known cause it points to.
Usage: python-test-reasons.py LOGDIR MODULE..."""
import re
import sys

# What a failure's traceback shows, and what it means inside cella today;
# the first that matches wins.
CAUSES = [
    (r"Resource temporarily unavailable: '/usr/bin/python3", "starts a second python3: two fixed-address programs at once (issue 13)"),
    (r"os\.fork\(|fork\(\)|_posixsubprocess|multiprocessing|spawnv|os\.spawn", "fork, or a child process started through it (issue 13)"),
    (r"socket|AF_INET|getaddrinfo|sendfile", "sockets beyond AF_UNIX (issue 11)"),
    (r"openpty|ptmx|/dev/pts", "pseudo-terminals are not served"),
]


def failures(log_path):
    """{test name: first exception line} for the ERROR/FAIL blocks of a log."""
    found = {}
    try:
        text = open(log_path, errors="replace").read()
    except OSError:
        return found
    for block in re.split(r"\n={50,}\n", text):
        head = re.match(r"(ERROR|FAIL): (\S+) \((\S+)\)", block)
        if not head:
            continue
        lines = [line for line in block.splitlines() if re.match(r"^[A-Za-z_.]*(Error|Exception|Interrupt)\b", line)]
        found[head.group(3)] = (lines[-1] if lines else "", block)
    return found


def main():
    logs, modules = sys.argv[1], sys.argv[2:]
    for module in modules:
        native = failures(f"{logs}/{module}.native.log")
        inside = failures(f"{logs}/{module}.cella.log")
        only_here = {name: why for name, why in inside.items() if name not in native}
        if not only_here:
            continue
        print(f"{module}: {len(only_here)} fail or error only inside cella")
        for name, (why, block) in sorted(only_here.items()):
            cause = next((text for pattern, text in CAUSES if re.search(pattern, block)), "not yet explained")
            print(f"  {name}: {cause}\n      {why.strip()[:160]}")


if __name__ == "__main__":
    main()
