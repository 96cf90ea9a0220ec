"""Splitting a BGZF-compressed file into parts that can be read in parallel, without an index.

BGZF (what bgzip and htslib write) is a series of independent gzip blocks of at
most 64 KiB, each announcing its own size. Blocks are found by walking their
headers; part k is a run of blocks, and it owns every line that starts in its
blocks (the line that crosses into the next part is finished by reading on).
"""
from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from genomes.vcf.limits import EXPANSION_GRACE_BYTES, LimitExceeded, ReadLimits

try:  # ISA-L's inflate: the same DEFLATE, ~2x faster than zlib's on these blocks
    from isal.isal_zlib import decompress as _inflate
    from isal.isal_zlib import error as _InflateError
except ImportError:
    from zlib import decompress as _inflate
    from zlib import error as _InflateError

MAGIC = b"\x1f\x8b\x08\x04"
HEADER = 18  # gzip header with the 6-byte BC extra field


class NotBgzf(ValueError):
    pass


def block_offsets(path: Path | str) -> list[int]:
    """Start offset of every block; raises NotBgzf for plain gzip or other files."""
    offsets = []
    with open(path, "rb") as handle:
        offset = 0
        while True:
            header = handle.read(HEADER)
            if not header:
                break
            if len(header) < HEADER or header[:4] != MAGIC or header[12:14] != b"BC":
                raise NotBgzf(f"{path}: not BGZF at byte {offset}")
            size = struct.unpack("<H", header[16:18])[0] + 1
            offsets.append(offset)
            offset += size
            handle.seek(offset)
    return offsets


def _read_block(handle, offset: int) -> tuple[bytes, int]:
    handle.seek(offset)
    header = handle.read(HEADER)
    if len(header) < HEADER or header[:4] != MAGIC:
        raise EOFError(f"no BGZF block at byte {offset}: the file is truncated or damaged")
    size = struct.unpack("<H", header[16:18])[0] + 1
    body = handle.read(size - HEADER)
    if len(body) < size - HEADER:
        raise EOFError(f"the BGZF block at byte {offset} is cut short: the file is truncated")
    try:
        return _inflate(body[:-8], -15), offset + size
    except _InflateError as exc:  # ISA-L's error is not zlib's: callers handle zlib.error alone
        raise zlib.error(f"the BGZF block at byte {offset} is damaged ({exc})") from None


def part_boundaries(offsets: list[int], parts: int) -> list[tuple[int, int | None, int | None]]:
    """(first block, first block of the next part or None, the block before this part or None) per part,
    split by compressed size."""
    if not offsets:
        return [(0, None, None)]
    total = offsets[-1]
    starts, k = [0], 1
    for i, offset in enumerate(offsets[1:], start=1):
        if k < parts and offset >= total * k / parts:
            starts.append(i)
            k += 1
    return [(offsets[s], offsets[starts[j + 1]] if j + 1 < len(starts) else None, offsets[s - 1] if s else None)
            for j, s in enumerate(starts)]


def part_lines(path: Path | str, start: int, end: int | None, previous: int | None = None,
               limits: ReadLimits | None = None) -> Iterator[bytes]:
    """Chunks of whole data lines (no '#' header lines) that start in blocks [start, end).

    ``previous``: the block before ``start``, to learn whether a line runs across the boundary. ``limits``: a line
    may not outgrow ``max_line_bytes`` while it is put together from blocks, and the part may not expand more
    than ``max_expansion`` times (genomes.vcf.limits).
    """
    limits = limits or ReadLimits()
    with open(path, "rb", buffering=4 << 20) as handle:  # few reads: blocks follow one another
        pending = b""
        text_bytes = 0
        skip_partial = False
        if previous is not None:
            last_text, _ = _read_block(handle, previous)
            skip_partial = bool(last_text) and not last_text.endswith(b"\n")
        offset = start
        in_header = True
        while end is None or offset < end:
            try:
                text, offset = _read_block(handle, offset)
            except EOFError:
                if end is None and handle.seek(0, 2) == offset:
                    break  # clean end of file (only reached without the EOF marker block)
                raise
            if not text:
                if end is None:
                    break  # the empty EOF marker block
                continue
            text_bytes += len(text)
            if text_bytes > EXPANSION_GRACE_BYTES and text_bytes > limits.max_expansion * (offset - start):
                raise LimitExceeded(
                    str(path),
                    None,
                    None,
                    f"the file expands more than {limits.max_expansion} "
                    "times its compressed size: not a VCF (a decompression bomb?)",
                )
            if skip_partial:
                cut = text.find(b"\n")
                if cut < 0:
                    continue  # the previous part's line goes on through this whole block
                text, skip_partial = text[cut + 1:], False
            cut = text.rfind(b"\n")
            if cut < 0:
                pending += text
                if len(pending) > limits.max_line_bytes:
                    raise LimitExceeded(str(path), None, None, f"a line longer than {limits.max_line_bytes:,} bytes "
                                                               "(VCF_MAX_LINE_BYTES)")
                continue
            chunk = b"".join((pending, memoryview(text)[:cut + 1]))  # one copy of the block's text
            pending = text[cut + 1:]
            if in_header and (chunk.startswith(b"#") or b"\n#" in chunk):  # header lines: only in the first blocks
                chunk = b"".join(line + b"\n" for line in chunk[:-1].split(b"\n") if line and not line.startswith(b"#"))
            if chunk:
                in_header = False  # past the header: a later "#" line is a malformed record for cyvcf2 to report
                yield chunk
        # Finish the line that runs into the next part's blocks.
        while pending and end is not None:
            text, offset = _read_block(handle, offset)
            cut = text.find(b"\n")
            if cut >= 0:
                pending += text[:cut]
                break
            pending += text
            if len(pending) > limits.max_line_bytes:
                raise LimitExceeded(str(path), None, None, f"a line longer than {limits.max_line_bytes:,} bytes "
                                                           "(VCF_MAX_LINE_BYTES)")
        if pending and not pending.startswith(b"#"):
            yield pending + b"\n"



def header_bytes(path: Path | str, limits: ReadLimits | None = None) -> bytes:
    """The '#' header lines at the start of a BGZF file (at most ``max_header_bytes`` of them)."""
    limits = limits or ReadLimits()
    header = bytearray()
    with open(path, "rb") as handle:
        offset = 0
        while True:
            text, offset = _read_block(handle, offset)
            header += text
            if len(header) > limits.max_header_bytes + (1 << 16):
                raise LimitExceeded(str(path), None, None, f"a header longer than {limits.max_header_bytes:,} bytes "
                                                           "(VCF_MAX_HEADER_BYTES)")
            end = header.find(b"\n#CHROM")
            if end >= 0:
                line_end = header.find(b"\n", end + 1)
                if line_end >= 0:
                    return bytes(header[:line_end + 1])
            if not text:
                raise EOFError(f"{path}: no #CHROM header line")


def main(argv: list[str]) -> int:
    """``python -m genomes.vcf.bgzf PATH START END|- PREVIOUS|-``: the header and one part's lines on stdout.

    A process of its own, because cyvcf2 reads a pipe while holding the GIL:
    a feeder thread in the reading process could never run.
    """
    path, start = argv[0], int(argv[1])
    end = None if argv[2] == "-" else int(argv[2])
    previous = None if argv[3] == "-" else int(argv[3])
    import sys

    out = sys.stdout.buffer
    try:
        out.write(header_bytes(path))
        for chunk in part_lines(path, start, end, previous):
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        return 0
    except (EOFError, zlib.error) as exc:
        sys.stderr.write(f"{exc}\n")
        return 3
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
