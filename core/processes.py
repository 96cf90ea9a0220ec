"""Child processes that must not outlive the process that started them (import workers and their record
screens): when a job's process is killed, its helpers are killed with it instead of writing on as orphans."""
from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """For ``subprocess.Popen(preexec_fn=...)``: the child gets SIGKILL when its parent dies (Linux prctl)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:  # no glibc: the child notices the closed pipe instead
            pass
