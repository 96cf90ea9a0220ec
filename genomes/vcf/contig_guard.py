"""No record reaches htslib on a contig its header does not declare.

htslib adds an undeclared contig to the header as it meets it, and when the rest of that record then fails to
parse (a GT of "x", a QUAL of "qq"), cyvcf2 0.35 hands the half-read record on and the process dies of a
segmentation fault: no error, no line number, an import worker gone. Found by the property tests
(tests/genomes/vcf/test_reader_properties.py); docs/reliability.md has the figures.

So the text is checked on its way to cyvcf2 (the feeders of genomes.vcf.limits and genomes.vcf.screen):
in a header with ##contig lines, a record on another contig is an InputFileError naming its line and CHROM;
a header without any has the contigs the file uses declared for it, found by a first pass over the file
(``contigs_in_file``), so that such files read as before. No Django: the feeders are plain processes.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from core.errors import InputFileError

try:
    from genomes.vcf._screen import first_line_not_on as _first_line_not_on  # built by make (setup.py)
except ImportError:  # not built: the same answer, line by line in Python
    _first_line_not_on = None


class ContigGuard:
    """``declared``: the contigs the header declares; ``declare``: those to declare for it (its own none)."""

    def __init__(self, declared: Iterable[str], declare: Iterable[str] = ()):
        self.declared = sorted(set(declared))
        self.declare = sorted(set(declare) - set(self.declared))
        self.known = {_bytes(name) for name in [*self.declared, *self.declare]}

    def as_dict(self) -> dict:
        return {"declared": self.declared, "declare": self.declare}

    @classmethod
    def from_dict(cls, spec: dict) -> ContigGuard:
        return cls(spec["declared"], spec["declare"])

    def header(self, text: bytes) -> bytes:
        """The header with ##contig lines for ``declare`` added before its #CHROM line."""
        if not self.declare:
            return text
        at = 0 if text.startswith(b"#CHROM") else text.rfind(b"\n#CHROM") + 1
        if at == 0 and not text.startswith(b"#CHROM"):
            return text  # no #CHROM line: cyvcf2 refuses the header on its own
        lines = b"".join(b"##contig=<ID=" + _bytes(name) + b">\n" for name in self.declare)
        return text[:at] + lines + text[at:]

    def first_unknown(self, chunk: bytes) -> tuple[int, bytes] | None:
        """(index of the line in ``chunk``, the line) of the first record on an undeclared contig, or None."""
        if _first_line_not_on is None:
            return self._first_unknown_by_lines(chunk)
        at = 0
        while at >= 0:
            line_end = chunk.find(b"\n", at)
            line = chunk[at:line_end if line_end >= 0 else len(chunk)]
            cut = line.find(b"\t")
            if not line:  # an empty line: htslib's to judge
                at = -1 if line_end < 0 else line_end + 1
                continue
            if cut < 0 or line[:cut] not in self.known:
                return chunk.count(b"\n", 0, at), line
            # The next line on another contig: in a sorted file's chunk usually none, found at memchr speed.
            at = _first_line_not_on(chunk, at, line[:cut])
        return None

    def _first_unknown_by_lines(self, chunk: bytes) -> tuple[int, bytes] | None:
        for index, line in enumerate(chunk.split(b"\n")):
            if not line:
                continue
            cut = line.find(b"\t")
            if cut < 0 or line[:cut] not in self.known:
                return index, line
        return None

    def check(self, chunk: bytes, *, source: str, lines_before: int | None) -> None:
        """Raise the InputFileError for the first record on an undeclared contig. ``lines_before``: the file's
        lines before the chunk; None when the chunk's place in the file is not known (a part of a parallel
        import): the error then names the record's position."""
        found = self.first_unknown(chunk)
        if found is None:
            return
        index, line = found
        fields = line.split(b"\t", 2)
        chrom = fields[0].decode(errors="replace")
        if len(fields) < 2:
            problem, field = "a record without tab-separated fields", None
        elif not chrom:
            problem, field = "a record without a CHROM", "CHROM"
        else:
            problem, field = (f"contig {chrom!r} is not declared in the header: every contig the records use "
                              "needs a ##contig line"), "CHROM"
        if lines_before is None:
            where = fields[1][:20].decode(errors="replace") if len(fields) > 1 else "?"
            raise InputFileError(source, None, field, f"{problem} (record at {chrom}:{where})")
        raise InputFileError(source, lines_before + index + 1, field, problem)


def contig_guard(path: Path | str, header, limits) -> ContigGuard:
    """The guard for reading a file whose header (genomes.vcf.header.VcfHeader) is known: its declared
    contigs, or when it declares none, those the file uses (one pass more, for such files only)."""
    if header.contigs:
        return ContigGuard(header.contigs)
    return ContigGuard([], contigs_in_file(path, limits))


def _bytes(name: str) -> bytes:
    return name.encode(errors="surrogateescape")


def contigs_in_file(path: Path | str, limits) -> list[str]:
    """Every CHROM the records of a file use, in one pass through the bounds (genomes.vcf.limits)."""
    from genomes.vcf.limits import guarded_chunks

    seen: set[bytes] = set()
    in_header = True
    for chunk in guarded_chunks(path, limits):
        if in_header:
            if chunk.startswith(b"#"):
                end = chunk.find(b"\n#CHROM")
                end = 0 if chunk.startswith(b"#CHROM") else end + 1 if end >= 0 else -1
                if end < 0:
                    continue  # header lines only
                chunk = chunk[chunk.find(b"\n", end) + 1:]
            in_header = False
        guard = ContigGuard([name.decode(errors="surrogateescape") for name in seen])
        while True:
            found = guard.first_unknown(chunk)
            if found is None:
                break
            index, line = found
            cut = line.find(b"\t")
            name = line[:cut] if cut >= 0 else line
            if not name or cut < 0:
                # Left for the reader to report; the chunk's later lines are still looked at.
                chunk = b"\n".join(chunk.split(b"\n")[index + 1:])
                continue
            seen.add(name)
            guard.known.add(name)
    return sorted(name.decode(errors="surrogateescape") for name in seen)
