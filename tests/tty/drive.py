#!/usr/bin/env python3
"""Runs a command on a fresh pseudo-terminal and plays a script against it, like expect(1).

Usage: drive.py SPEC_JSON
SPEC: {"cmd": [...], "env": {...}, "cwd": "...", "rows": 24, "cols": 80, "timeout": 120,
       "steps": [["expect", text] | ["send", text] | ["sleep", seconds] | ["winsz", rows, cols]]}
Texts are latin-1. Prints {"out": everything the terminal showed, "status": wait status,
"error": why the script stopped early, or null} as JSON. Exits 77 when the machine has no ptys.
"""
import fcntl
import json
import os
import select
import struct
import sys
import termios
import time

spec = json.loads(sys.argv[1])
try:
    master, slave = os.openpty()
except OSError:
    sys.exit(77)
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', spec.get('rows', 24), spec.get('cols', 80), 0, 0))
pid = os.fork()
if pid == 0:
    os.close(master)
    os.login_tty(slave)  # a new session with the pty as its controlling terminal
    if spec.get('cwd'):
        os.chdir(spec['cwd'])
    os.execvpe(spec['cmd'][0], spec['cmd'], spec.get('env', dict(os.environ)))
os.close(slave)

out = b''
deadline = time.time() + spec.get('timeout', 120)
alive = True


def read_some(timeout):
    """Reads what the terminal shows within timeout: 'data', 'idle', or 'closed'."""
    global out
    r, _, _ = select.select([master], [], [], timeout)
    if not r:
        return 'idle'
    try:
        d = os.read(master, 65536)
    except OSError:
        return 'closed'
    if not d:
        return 'closed'
    out += d
    return 'data'


def pump(timeout):
    return read_some(timeout) != 'closed'


error = None
pos = 0
for st in spec['steps']:
    if st[0] == 'expect':
        want = st[1].encode('latin1')
        while alive and out.find(want, pos) < 0 and time.time() < deadline:
            alive = pump(0.05)
        i = out.find(want, pos)
        if i < 0:
            error = 'did not see %r' % st[1]
            break
        pos = i + len(want)
    elif st[0] == 'send':
        os.write(master, st[1].encode('latin1'))
    elif st[0] == 'sleep':
        end = time.time() + st[1]
        while alive and time.time() < end:
            alive = pump(min(0.05, max(0, end - time.time())))
    elif st[0] == 'winsz':
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', st[1], st[2], 0, 0))

status = None
while time.time() < deadline:
    if alive:
        alive = pump(0.05)
    if status is None:
        p, s = os.waitpid(pid, os.WNOHANG)
        if p == pid:
            status = s
    if status is not None and not alive:
        break
    if status is not None:
        # The command ended: collect what is still on its way, then stop.
        while alive and time.time() < deadline:
            r = read_some(0.3)
            alive = r == 'data'
        break
if status is None:
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    error = error or 'timed out'
print(json.dumps({'out': out.decode('latin1'), 'status': status, 'error': error}))
