"""Bounds on what a VCF may expand to, checked while it is read, before htslib holds any of it in memory.

A compressed file can hide a decompression bomb: a 1 MB gzip that holds a 1 GiB line, or blocks of zeros that
expand a thousandfold. htslib reads a whole line (a header line, an INFO value) into memory before we see it, so
the file is read through these checks first: every line at most ``max_line_bytes``, the header at most
``max_header_bytes``, the whole file at most ``max_bytes`` decompressed and at most ``max_expansion`` times its
compressed size. Exceeding one is an InputFileError naming the file and the line. No Django: the import's worker
processes use it too.

``python -m genomes.vcf.limits PATH LIMITS_JSON`` writes the file's text to stdout through the checks (the
in-process import reads it from there), and {"error": ...} on stderr with exit code 3 when a bound is passed.
"""
from __future__ import annotations

import gzip
import json
import sys
import zlib
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from core.errors import InputFileError
from genomes.vcf.htslib_messages import htslib_messages

CHUNK = 1 << 20
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The expansion check starts once this much text was read: a file's first blocks can be all header boilerplate.
EXPANSION_GRACE_BYTES = 16 << 20


@dataclass(frozen=True)
class ReadLimits:
    max_line_bytes: int = 16 << 20
    max_header_bytes: int = 64 << 20
    max_bytes: int = 1 << 40
    max_expansion: int = 200

    def as_dict(self) -> dict:
        return asdict(self)


class LimitExceeded(InputFileError):
    """A VCF larger than the platform reads: a line, the header, or the whole file."""


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _check_expansion(path: str, limits: ReadLimits, text_bytes: int, compressed_bytes: int) -> None:
    if text_bytes > limits.max_bytes:
        raise LimitExceeded(path, None, None, f"the file expands to more than {limits.max_bytes:,} bytes, the "
                                              "most a case's VCF may hold (VCF_MAX_BYTES)")
    if text_bytes > EXPANSION_GRACE_BYTES and text_bytes > limits.max_expansion * max(compressed_bytes, 1):
        raise LimitExceeded(path, None, None, f"the file expands more than {limits.max_expansion} times its "
                                              "compressed size: not a VCF (a decompression bomb?)")


def guarded_chunks(path: Path | str, limits: ReadLimits, *, header_only: bool = False, contigs=None):
    """The file's text in chunks of whole lines, checked as they come; with ``header_only``, up to #CHROM.
    ``contigs``: a genomes.vcf.contig_guard.ContigGuard, which declares contigs in the header and checks
    every record's CHROM."""
    source = str(path)
    path = Path(path)
    raw = open(path, "rb")
    stream = gzip.GzipFile(fileobj=raw) if _is_gzip(path) else raw
    try:
        pending, lines, text_bytes, header_bytes, in_header = b"", 0, 0, 0, True
        while True:
            try:
                block = stream.read(CHUNK)
            except EOFError:
                raise InputFileError(source, lines + 1, None,
                                     f"the gzip file is truncated: it ends before line {lines + 1}") from None
            except (OSError, zlib.error) as exc:
                raise InputFileError(source, lines + 1, None, f"unreadable compressed data ({exc})") from None
            if not block:
                if pending:
                    _check_lines(source, limits, pending + b"\n", lines)
                    if contigs is not None and not in_header:
                        contigs.check(pending, source=source, lines_before=lines)
                    yield pending
                return
            text_bytes += len(block)
            _check_expansion(source, limits, text_bytes, raw.tell())
            data = pending + block if pending else block
            cut = data.rfind(b"\n")
            if cut < 0:  # one line goes on: it may not outgrow the bound while it does
                if len(data) > limits.max_line_bytes:
                    raise LimitExceeded(source, lines + 1, None, f"a line longer than {limits.max_line_bytes:,} "
                                                                 "bytes (VCF_MAX_LINE_BYTES)")
                pending = data
                continue
            whole, pending = data[:cut + 1], data[cut + 1:]
            if in_header:
                done, header_bytes = _header_lines(source, limits, whole, lines, header_bytes)
                if done is not None:
                    in_header = False
                    if header_only:
                        yield whole[:done]
                        return
                    if contigs is not None:
                        # The header goes first, so that the reader opens and learns of an error as an error.
                        head, records = whole[:done], whole[done:]
                        yield contigs.header(head)
                        lines += head.count(b"\n")
                        contigs.check(records, source=source, lines_before=lines)
                        lines += records.count(b"\n")
                        yield records
                        continue
            else:
                if len(whole) > limits.max_line_bytes:  # only a chunk this long can hold a line this long
                    _check_lines(source, limits, whole, lines)
                if contigs is not None:
                    contigs.check(whole, source=source, lines_before=lines)
            lines += whole.count(b"\n")
            yield whole
    finally:
        stream.close()
        raw.close()


def _check_lines(source: str, limits: ReadLimits, whole: bytes, before: int) -> None:
    start, line = 0, before
    while start < len(whole):
        end = whole.find(b"\n", start)
        line += 1
        if end - start > limits.max_line_bytes:
            raise LimitExceeded(source, line, None, f"a line longer than {limits.max_line_bytes:,} bytes "
                                                    "(VCF_MAX_LINE_BYTES)")
        start = end + 1


def _header_lines(source: str, limits: ReadLimits, whole: bytes, before: int, header_bytes: int):
    """Check the header lines of a chunk; returns (the offset after the header's last line, or None if the
    header goes on, and the header's size so far)."""
    start, line = 0, before
    while start < len(whole):
        end = whole.find(b"\n", start)
        line += 1
        if end - start > limits.max_line_bytes:
            raise LimitExceeded(source, line, None, f"a line longer than {limits.max_line_bytes:,} bytes "
                                                    "(VCF_MAX_LINE_BYTES)")
        header_bytes += end - start + 1
        if header_bytes > limits.max_header_bytes:
            raise LimitExceeded(source, line, None, f"a header longer than {limits.max_header_bytes:,} bytes "
                                                    "(VCF_MAX_HEADER_BYTES)")
        if whole.startswith(b"#CHROM", start) or not whole.startswith(b"#", start):
            return end + 1, header_bytes
        start = end + 1
    return None, header_bytes


def scan_header(path: Path | str, limits: ReadLimits) -> None:
    """Read the header through the checks, in bounded memory (before htslib is given the file)."""
    for _ in guarded_chunks(path, limits, header_only=True):
        pass


def main(argv: list[str]) -> int:
    from genomes.vcf.contig_guard import ContigGuard

    path, limits = argv[0], ReadLimits(**json.loads(argv[1]))
    contigs = ContigGuard.from_dict(json.loads(argv[2])) if len(argv) > 2 else None
    out = sys.stdout.buffer
    try:
        for chunk in guarded_chunks(path, limits, contigs=contigs):
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        return 0
    except InputFileError as error:
        sys.stderr.write(json.dumps({"error": {**error.as_dict(), "bound": isinstance(error, LimitExceeded)}}) + "\n")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


class GuardedVcf:
    """cyvcf2 reading a VCF through ``python -m genomes.vcf.limits`` in a process of its own (cyvcf2 holds the
    GIL while it reads a pipe, so the feeder cannot be a thread). ``failure()`` is the feeder's error, if it
    stopped at a bound or at a record on an undeclared contig (``contigs``): cyvcf2 then saw its input end
    early, and that is not the file's fault."""

    def __init__(self, path: Path | str, limits: ReadLimits, contigs=None):
        import subprocess

        import cyvcf2

        from core.processes import die_with_parent

        arguments = [str(path), json.dumps(limits.as_dict())]
        if contigs is not None:  # genomes.vcf.contig_guard.ContigGuard
            arguments.append(json.dumps(contigs.as_dict()))
        self.feeder = subprocess.Popen([sys.executable, "-m", "genomes.vcf.limits", *arguments],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=die_with_parent,
                                       cwd=PROJECT_ROOT)  # where "-m genomes..." is found, whatever our cwd
        try:
            with htslib_messages():  # reported once, by the header's first reading (genomes.vcf.header)
                self.vcf = cyvcf2.VCF(f"/dev/fd/{self.feeder.stdout.fileno()}", gts012=False)
        except OSError:  # the feeder stopped before the header was through
            failure = self.failure(reading_failed=True)
            self.feeder.kill()
            self.feeder.wait()
            if failure is not None:
                raise failure from None
            raise

    def failure(self, *, reading_failed: bool = False) -> InputFileError | None:
        """The feeder's error, if it stopped at a bound or could not read the file. ``reading_failed``: cyvcf2
        stopped on an error of its own; a feeder still running then (blocked on the pipe) did not fail."""
        import subprocess

        try:
            code = self.feeder.wait(timeout=2 if reading_failed else None)
        except subprocess.TimeoutExpired:
            return None
        if code == 0:
            return None
        message = self.feeder.stderr.read().decode(errors="replace").strip().splitlines()
        try:
            error = json.loads(message[-1])["error"]
            kind = LimitExceeded if error.get("bound") else InputFileError
            return kind(error["file"], error["line"], error["field"], error["problem"])
        except (IndexError, ValueError, KeyError):
            return InputFileError(self.vcf_path_hint(), None, None, f"the reader's feeder failed (exit code {code})")

    @contextmanager
    def reading(self):
        """Reading through the bounds: an error while reading is the feeder's when it stopped at a bound; after
        reading, a feeder that failed is an error even if cyvcf2 saw a clean (early) end. Closes the reader."""
        try:
            try:
                yield self.vcf
            except InputFileError:
                failure = self.failure(reading_failed=True)
                if failure is not None:
                    raise failure from None
                raise
            failure = self.failure()
            if failure is not None:
                raise failure
        finally:
            self.close()

    def vcf_path_hint(self) -> str:
        return str(self.feeder.args[3])

    def close(self) -> None:
        self.vcf.close()
        if self.feeder.poll() is None:
            self.feeder.kill()
        self.feeder.wait()
        for stream in (self.feeder.stdout, self.feeder.stderr):
            stream.close()
