"""Waits until every process whose pid is an argument has exited, and exits 0.

Linux gives a process no exit event for a process that is not its child; a pidfd (pidfd_open,
Linux 5.3) becomes readable when its process exits, so this waits on the event instead of
reading the process table again and again. A pid already gone counts as exited. The caller
bounds the wait (test/harness/process-exit.ts).
"""
import os
import select
import sys

poller = select.poll()
waiting = 0
for pid in sys.argv[1:]:
    try:
        poller.register(os.pidfd_open(int(pid)), select.POLLIN)
        waiting += 1
    except ProcessLookupError:
        pass
while waiting:
    for fd, _event in poller.poll():
        poller.unregister(fd)
        os.close(fd)
        waiting -= 1
