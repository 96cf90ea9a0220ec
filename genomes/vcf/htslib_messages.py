"""htslib's header warnings ("[W::bcf_hrec_check] Invalid tag name", "[W::bcf_hdr_register_hrec] ...") go to the
process's standard error, once per opening of a file, and flooded the terminal at start-up (the demo opens its
files several times). They are facts about the file: the import keeps them as import warnings, once.

htslib writes to file descriptor 2 from C, out of Python's reach, so descriptor 2 is pointed at a temporary
file while a VCF's header is opened (a few milliseconds) and pointed back; other lines written meanwhile are
passed on to standard error.
"""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager

_PREFIXES = ("[W::", "[E::")


@contextmanager
def htslib_messages(collected: list[str] | None = None):
    """Within the block, htslib's messages are collected (deduplicated, in order) into ``collected``."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield collected
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", "replace")
            passed_on = []
            for line in text.splitlines():
                if line.startswith(_PREFIXES):
                    message = "htslib: " + line.split("] ", 1)[-1].strip()
                    if collected is not None and message not in collected:
                        collected.append(message)
                elif line:
                    passed_on.append(line)
            if passed_on:
                sys.stderr.write("\n".join(passed_on) + "\n")
