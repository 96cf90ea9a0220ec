"""Saying what is wrong where htslib stopped reading: htslib reports parse errors on stderr without a position,
so the offending line is read again in Python and the first field that breaks the specification is named."""
from __future__ import annotations

import gzip

from genomes.variant_identity import is_sequence_allele
from genomes.vcf.header import VcfInputError, _describe


def diagnose_failure(path: str, line: int, sample_count: int, exc: Exception) -> VcfInputError:
    """Say what is wrong where htslib stopped: a truncated gzip, or a malformed record at ``line``."""
    opener = gzip.open if _is_gzip(path) else open
    try:
        with opener(path, "rt", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    problem = malformed_record_problem(text.rstrip("\n"), sample_count)
                    if problem:
                        return VcfInputError(path, line, problem[0], problem[1])
                    break
            else:
                pass
            for _ in handle:  # read to the end: a truncated gzip fails here
                pass
    except EOFError:
        return VcfInputError(path, line, None, f"the gzip file is truncated: it ends before line {line}")
    except (OSError, gzip.BadGzipFile) as error:
        return VcfInputError(path, line, None, f"unreadable compressed data ({_describe(error)})")
    return VcfInputError(path, line, None, f"malformed record ({_describe(exc)})")


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def malformed_record_problem(text: str, sample_count: int) -> tuple[str, str] | None:
    """The first field of a VCF data line that violates the specification, if any."""
    fields = text.split("\t")
    expected = 8 + (1 + sample_count if sample_count else 0)
    if len(fields) < 8:
        return "line", f"{len(fields)} tab-separated columns; a VCF record has at least 8"
    if not fields[1].isdecimal():
        return "POS", f"{fields[1]!r} is not a position"
    if not is_sequence_allele(fields[3]):
        return "REF", f"{fields[3]!r} is not a sequence of A, C, G, T, N"
    if fields[5] != ".":
        try:
            float(fields[5])
        except ValueError:
            return "QUAL", f"{fields[5]!r} is not a number"
    if sample_count and len(fields) != expected:
        return "line", f"{len(fields)} columns where the header's {sample_count} sample(s) make {expected}"
    if sample_count:
        keys = fields[8].split(":")
        for name, value in zip(keys, fields[9].split(":")):
            if name in ("DP", "GQ") and value not in (".", "") and not value.lstrip("-").isdecimal():
                return f"FORMAT/{name}", f"{value!r} is not a whole number"
    return None
