"""The reads behind a call, for the read view (igv.js in the browser): alignment files registered per sample and
read in place, and the slices of them that may leave the server.

Only a slice leaves: the reads overlapping one locus of at most READ_SLICE_MAX bases (the view asks for the call
plus READ_SLICE_FLANK either side), as a small BAM of its own with the file's header, cut by htslib (pysam).
No route hands out a whole file or a longer region; the views check the case's rights and audit each slice as a
read of patient data. The reference sequence the reads are shown against comes from READ_REFERENCES (a FASTA
with its .fai per build), served in byte ranges that cover at most a slice's length."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.audit import Action, AuditContext, audit_record
from core.errors import InputFileError
from core.patient_reads import patient_rows_read
from genomes.models import AlignmentFile, Case, Sample
from genomes.variant_identity import VariantIdentityError, build_from_header, normalize_contig


class ReadViewError(ValueError):
    """A locus the read view cannot show (too long, unknown contig, no reference, no alignment): said plainly."""


def _index_of(path: Path, fmt: str) -> Path | None:
    suffixes = (".crai",) if fmt == "cram" else (".bai", ".csi")
    for suffix in suffixes:
        for candidate in (path.with_name(path.name + suffix), path.with_suffix(suffix)):
            if candidate.exists():
                return candidate
    return None


def _under_allowed_roots(path: Path) -> bool:
    roots = [Path(root).resolve() for root in settings.READ_ALIGNMENT_ROOTS if root]
    return any(path.is_relative_to(root) for root in roots)


def alignment_inspect(path: str, build: str) -> dict:
    """The checks a registration makes of the file itself: it exists, has its index beside it, and htslib reads
    its header; its format, index, contigs and read-group sample names."""
    import pysam

    name = Path(path).name
    resolved = Path(path).resolve()
    if not resolved.is_file():
        raise InputFileError(name, None, "path", f"no such file: {path}")
    fmt = "cram" if resolved.suffix.lower() == ".cram" else "bam"
    index = _index_of(resolved, fmt)
    if index is None:
        raise InputFileError(name, None, "index", f"no index beside the {fmt.upper()} (.bai, .csi or .crai): the "
                             "read view reads one locus at a time")
    reference = settings.READ_REFERENCES.get(build)
    try:
        with pysam.AlignmentFile(str(resolved), "rc" if fmt == "cram" else "rb", index_filename=str(index),
                                 reference_filename=reference if fmt == "cram" else None) as reads:
            contigs = list(reads.references)
            lengths = dict(zip(reads.references, reads.lengths))
            groups = [group.get("SM", "") for group in reads.header.to_dict().get("RG", [])]
    except (OSError, ValueError) as error:
        raise InputFileError(name, None, "header", f"not a readable {fmt.upper()}: {error}") from None
    # Reads aligned to the other build would be shown against this build's reference at the wrong places.
    try:
        aligned_to, evidence = build_from_header(lengths)
    except VariantIdentityError as error:
        raise InputFileError(name, None, "header", f"contigs: {error}") from None
    if aligned_to is not None and aligned_to != build:
        raise InputFileError(name, None, "header", f"the reads are aligned to {aligned_to} ({evidence}); the case "
                             f"is {build}")
    return {"path": str(resolved), "index": str(index), "format": fmt, "contigs": contigs,
            "read_group_samples": sorted({g for g in groups if g})}


def alignment_register(*, case: Case, individual: str, path: str, by=None, audit: AuditContext | None = None,
                       from_the_web: bool = False) -> AlignmentFile:
    """Register ``path`` (BAM or CRAM with its index beside it) as the reads of ``individual``'s sample in
    ``case``, replacing an earlier one (alignment_inspect's checks, and the file's read groups name the sample or
    the individual when they name anyone). From the web (upload form, API), the path must lie under
    READ_ALIGNMENT_ROOTS."""
    name = Path(path).name
    if from_the_web and not _under_allowed_roots(Path(path).resolve()):
        raise InputFileError(name, None, "path", "alignment files are registered from the web only under the folders "
                             "READ_ALIGNMENT_ROOTS names; ask an operator to run register_alignment")
    sample = Sample.objects.filter(case=case, individual__individual_id=individual).first()
    if sample is None:
        known = ", ".join(case.samples.values_list("individual__individual_id", flat=True))
        raise InputFileError(name, None, "sample", f"{individual!r} is not sequenced in case {case.identifier} "
                             f"(its samples: {known})")
    found = alignment_inspect(path, case.genome_build)
    named = found["read_group_samples"]
    if named and sample.vcf_sample_name not in named and individual not in named:
        raise InputFileError(name, None, "RG SM", f"the file's reads are of {', '.join(named)}, not of "
                             f"{individual} (VCF sample {sample.vcf_sample_name})")
    with transaction.atomic():
        AlignmentFile.objects.filter(sample=sample).delete()
        alignment = AlignmentFile.objects.create(sample=sample, path=found["path"], index_path=found["index"],
                                                 format=found["format"], read_group_samples=named,
                                                 contigs=found["contigs"], registered_by=by)
        audit_record(action=Action.CREATE, user=by, audit=audit, object_type="alignment_file",
                     object_id=alignment.pk, department_code=case.department.code,
                     details={"case": case.pk, "individual": individual, "file": name})
    return alignment


def alignment_pairs(pairs: list[str]) -> list[tuple[str, str]]:
    """INDIVIDUAL=PATH pairs (import_case --alignment, register_alignment, the upload form's lines)."""
    parsed = []
    for pair in pairs:
        individual, sep, path = pair.strip().partition("=")
        if not sep or not individual.strip() or not path.strip():
            raise InputFileError("--alignment", None, "value", f"{pair!r} is not INDIVIDUAL=PATH")
        parsed.append((individual.strip(), path.strip()))
    return parsed


@dataclass(frozen=True)
class Locus:
    chrom: str  # canonical (1..22, X, Y, MT)
    start: int  # 1-based, inclusive
    end: int

    def __str__(self) -> str:
        return f"{self.chrom}:{self.start}-{self.end}"


def locus_parse(text: str, *, flank: bool = True) -> Locus:
    """"CHROM:POS" (widened by READ_SLICE_FLANK either side when ``flank``) or "CHROM:START-END" (as given; commas
    allowed); refused when longer than READ_SLICE_MAX."""
    chrom, sep, span = (text or "").strip().replace(",", "").rpartition(":")
    if not sep or not chrom:
        raise ReadViewError("locus: write it CHROM:POS or CHROM:START-END, e.g. MT:3243 or chrM:100-800")
    first, dash, last = span.partition("-")
    try:
        start, end = int(first), int(last) if dash else int(first)
    except ValueError:
        raise ReadViewError(f"locus: {span!r} is not a position or range") from None
    if start < 1 or end < start:
        raise ReadViewError("locus: positions from 1, the end not before the start")
    if flank and not dash:  # a position is shown with its surroundings; a range as asked
        start, end = max(1, start - settings.READ_SLICE_FLANK), end + settings.READ_SLICE_FLANK
    if end - start + 1 > settings.READ_SLICE_MAX:
        raise ReadViewError(f"locus: {end - start + 1:,} bases is longer than the read view shows at once "
                            f"({settings.READ_SLICE_MAX:,}); view each end of a long call apart")
    return Locus(normalize_contig(chrom), start, end)


def _contig_in(names: list[str], chrom: str) -> str | None:
    """The name ``chrom`` (canonical) has among ``names`` (chr1 or 1, chrM or MT)."""
    return next((name for name in names if normalize_contig(name) == chrom), None)


def case_has_reads(case: Case) -> bool:
    """Whether the pages offer "View reads" for the case's calls."""
    return AlignmentFile.objects.filter(sample__case=case).exists()


def case_alignments(case: Case) -> list[AlignmentFile]:
    return list(AlignmentFile.objects.filter(sample__case=case).select_related("sample__individual")
                .order_by("sample__position"))


def reference_of(build: str) -> tuple[Path, dict[str, tuple[int, int, int, int]]]:
    """The build's reference FASTA and its .fai (contig -> length, offset, bases per line, bytes per line)."""
    path = Path(settings.READ_REFERENCES.get(build) or "")
    fai = path.with_name(path.name + ".fai")
    if not path.is_file() or not fai.is_file():
        raise ReadViewError(f"no reference FASTA with its .fai for {build}: set READ_REFERENCE_{build.upper()}")
    index = {}
    for line in fai.read_text().splitlines():
        name, length, offset, bases, width = line.split("\t")[:5]
        index[name] = (int(length), int(offset), int(bases), int(width))
    return path, index


def read_view_tracks(case: Case, locus: Locus) -> dict:
    """What the read page gives igv.js: the reference's name for the locus's contig and each sequenced person's
    track (the slice URL is the view's)."""
    _, index = reference_of(case.genome_build)
    reference_contig = _contig_in(list(index), locus.chrom)
    if reference_contig is None:
        raise ReadViewError(f"the {case.genome_build} reference FASTA has no contig {locus.chrom}: set "
                            f"READ_REFERENCE_{case.genome_build.upper()} to the whole genome's FASTA")
    alignments = case_alignments(case)
    if not alignments:
        raise ReadViewError(f"no alignment file is registered for case {case.identifier}")
    return {"reference_contig": reference_contig, "locus": f"{reference_contig}:{locus.start}-{locus.end}",
            "tracks": [{"sample_id": a.sample_id, "individual": a.sample.individual.individual_id,
                        "has_contig": _contig_in(a.contigs, locus.chrom) is not None} for a in alignments]}


def read_slice(*, alignment: AlignmentFile, locus: Locus, by, audit: AuditContext | None = None) -> tuple[bytes, int]:
    """The reads of ``alignment`` overlapping ``locus`` as a BAM of their own (the file's header, the reads,
    nothing else), and how many reads; audited as a read of the case's patient data."""
    import pysam

    case = alignment.sample.case
    contig = _contig_in(alignment.contigs, locus.chrom)
    if contig is None:
        raise ReadViewError(f"the alignment of {alignment.sample.individual.individual_id} has no contig {locus.chrom}")
    # one locus of one person: a view of patient data, allowed, counted and audited before anything is read
    patient_rows_read(user=by, department=case.department, rows=1, object_type="read_slice",
                      object_id=alignment.sample_id, audit=audit,
                      details={"case": case.pk, "individual": alignment.sample.individual.individual_id,
                               "locus": str(locus)})
    reference = settings.READ_REFERENCES.get(case.genome_build)
    handle, temporary = tempfile.mkstemp(suffix=".bam")
    os.close(handle)
    try:
        count = 0
        with pysam.AlignmentFile(alignment.path, "rc" if alignment.format == "cram" else "rb",
                                 index_filename=alignment.index_path,
                                 reference_filename=reference if alignment.format == "cram" else None) as reads, \
                pysam.AlignmentFile(temporary, "wb", template=reads) as out:
            for read in reads.fetch(contig, locus.start - 1, locus.end):
                out.write(read)
                count += 1
        data = Path(temporary).read_bytes()
    finally:
        Path(temporary).unlink(missing_ok=True)
    return data, count


def reference_bytes(build: str, start: int, end: int) -> tuple[bytes, int]:
    """Bytes ``start``..``end`` (inclusive) of the build's reference FASTA, for igv.js's range requests, at most
    about a slice's length of sequence; with the file's size."""
    path, index = reference_of(build)
    size = path.stat().st_size
    # igv.js asks for about twice the bases it shows: the FASTA lines of 2 x READ_SLICE_MAX bases (and one more
    # each side), and never less than the 64 kB block it reads a small reference in
    lines = max(2 * settings.READ_SLICE_MAX // max(1, bases) + 2 for _, _, bases, _ in index.values())
    limit = max(lines * max(width for _, _, _, width in index.values()), 65_536)
    if end - start + 1 > limit:
        raise ReadViewError("reference: a range longer than the read view shows at once")
    with open(path, "rb") as handle:
        handle.seek(start)
        return handle.read(min(end, size - 1) - start + 1), size
