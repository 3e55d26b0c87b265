"""Exec a program that Linux will signal when our parent dies.

Run as `python -I -S _orphan_guard.py PARENT_PID SIGNAL [UID GID] -- PROGRAM ARGS...`
(see `_process.die_with_parent`). It drops to UID/GID when given, asks the kernel for
SIGNAL on the parent's death (`PR_SET_PDEATHSIG`, which survives `execve` but not a
change of user, hence this order), gives up if the parent is already gone, and execs
the program in its own place.

Doing this in the child after `exec`, not in a `preexec_fn`, matters: a `preexec_fn`
runs Python between `fork` and `exec` in a copy of a process whose other threads
(gRPC's pollers, for one) vanished mid-step, and gRPC's fork handlers then break the
child. Only the standard library is used, so `-S` can skip site-packages.
"""

import ctypes
import os
import sys

_PR_SET_PDEATHSIG = 1


def main(args: list[str]) -> None:
    split = args.index("--")
    head, argv = args[:split], args[split + 1 :]
    parent, sig = int(head[0]), int(head[1])
    if len(head) == 4:
        uid, gid = int(head[2]), int(head[3])
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
