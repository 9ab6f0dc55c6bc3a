#!/usr/bin/python3
# ctl-tty.py PASSWORD COMMAND...: runs COMMAND on a new pseudo-terminal, waits (bounded) for the
# password prompt, types PASSWORD, and prints everything the terminal showed. Exit status:
# COMMAND's; 90 when no prompt came, 91 when the terminal echoed the password.
import os
import pty
import select
import sys

password = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

seen = b""


def read_some(timeout):
    global seen
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return False
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    seen += data
    return True


for _ in range(300):  # up to 30 s for the prompt
    if b"Password for" in seen:
        break
    if not read_some(0.1) and os.waitpid(pid, os.WNOHANG)[0]:
        break
prompted = b"Password for" in seen
if prompted:
    os.write(fd, password + b"\n")
    while read_some(60):
        pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
if not prompted:
    sys.exit(90)
if password in seen:
    sys.exit(91)
sys.exit(os.waitstatus_to_exitcode(status))
