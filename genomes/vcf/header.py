"""Opening a VCF and reading its header: samples, genome build, consequence annotation, INFO and FORMAT ids.

cyvcf2 (htslib) reads plain, gzip and bgzip files. Errors name the file, the line and the field.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import cyvcf2

from core.errors import InputFileError
from genomes.variant_identity import GenomeBuild, VariantIdentityError, build_from_header
from genomes.vcf.annotation import AnnotationHeaderError, ConsequenceFormat
from genomes.vcf.evidence_fields import info_layout
from genomes.vcf.htslib_messages import htslib_messages
from genomes.vcf.limits import ReadLimits, scan_header


class VcfInputError(InputFileError):
    pass


@dataclass
class VcfHeader:
    path: str
    samples: list[str]
    build: GenomeBuild
    build_evidence: str
    annotation: ConsequenceFormat | None
    header_lines: int
    contigs: dict[str, int | None]
    info_ids: set[str]
    format_ids: set[str]
    warnings: list[str] = field(default_factory=list)
    info_descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def annotation_source(self) -> str:
        return self.annotation.info_key if self.annotation else ""


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def estimate_record_count(path: Path | str, *, sample_bytes: int = 4 << 20) -> int | None:
    """Roughly how many records a VCF holds, from its first few MB, for a progress bar's ETA.

    Handles bgzip (many gzip members) and plain files; the estimate is the file's
    size times the records per (compressed) byte seen in the sample.
    """
    import os
    import zlib

    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        compressed = handle.read(sample_bytes)
    if compressed[:2] == b"\x1f\x8b":
        # Bounded: a few MB of a decompression bomb must not become gigabytes here (genomes.vcf.limits).
        text, rest, room = bytearray(), compressed, 64 << 20
        while rest and room > 0:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                text += inflater.decompress(rest, room)
            except zlib.error:
                break
            room = (64 << 20) - len(text)
            rest = inflater.unused_data
    else:
        text = compressed
    lines = bytes(text).split(b"\n")
    data_lines = [line for line in lines[:-1] if line and not line.startswith(b"#")]
    header_bytes = sum(len(line) + 1 for line in lines[:-1] if line.startswith(b"#"))
    if not data_lines:
        return None
    if len(compressed) >= size:  # the sample was the whole file
        return len(data_lines)
    data_bytes = sum(len(line) + 1 for line in data_lines)
    ratio = len(text) / len(compressed)  # uncompressed bytes per file byte
    return max(len(data_lines), int((size * ratio - header_bytes) / (data_bytes / len(data_lines))))


def open_vcf(path: Path | str, *, build: GenomeBuild | None = None, limits: ReadLimits | None = None,
             consequence_keys: tuple[str, ...] = ("CSQ", "ANN")) -> tuple[cyvcf2.VCF, VcfHeader]:
    """Open a VCF and read its header: samples, genome build, consequence annotation.

    An explicit ``build`` overrides the header, unless the header's contig
    lengths contradict it (a GRCh37 file declared as GRCh38 is a wrong build).
    The header is first read through ``limits`` in bounded memory (genomes.vcf.limits), so htslib is never
    given a header that would take more.
    """
    source = str(path)
    if not Path(path).is_file():
        raise VcfInputError(source, None, None, "no such file")
    with open(path, "rb") as handle:
        magic = handle.read(2)
    if not magic:
        raise VcfInputError(source, None, None, "the file is empty")
    scan_header(path, limits or ReadLimits())
    try:
        # Not lazy=True: with it, cyvcf2 0.35 crashes on record.FORMAT.
        with htslib_messages(htslib_warnings := []):
            vcf = cyvcf2.VCF(source, gts012=False)
    except (OSError, Exception) as exc:  # cyvcf2 raises bare Exception for some header errors
        raise VcfInputError(source, 1, None, f"not a VCF file ({_describe(exc)})") from None
    try:
        raw_header = vcf.raw_header
        samples = list(vcf.samples)
    except UnicodeDecodeError:
        raise VcfInputError(source, None, "#CHROM", "the header is not UTF-8 text (a sample name or header line "
                                                    "holds bytes that are not characters)") from None
    if not raw_header.startswith("##fileformat=VCF"):
        raise VcfInputError(source, 1, "##fileformat", "not a VCF file: the first line must be ##fileformat=VCFv4.x")
    header_lines = raw_header.count("\n")
    info_ids, format_ids = set(), set()
    try:
        contigs: dict[str, int | None] = {name: (length or None) for name, length in zip(vcf.seqnames, vcf.seqlens)}
    except (AttributeError, ValueError):  # no ##contig lines: htslib has no sequence dictionary
        contigs = {}
    info_descriptions: dict[str, str] = {}
    for record in vcf.header_iter():
        kind = record["HeaderType"]
        if kind == "INFO":
            info_ids.add(record["ID"])
            info_descriptions[record["ID"]] = record.info().get("Description", "").strip("\"")
        elif kind == "FORMAT":
            format_ids.add(record["ID"])
    header_text_lines = raw_header.splitlines()
    try:
        detected, evidence = build_from_header(contigs, header_text_lines)
    except VariantIdentityError as exc:
        raise VcfInputError(source, None, "header", str(exc)) from None
    if build is not None:
        if detected is not None and detected != build and evidence.startswith("contig lengths"):
            raise VcfInputError(
                source,
                None,
                "##contig",
                f"wrong genome build: {build} was asked for, but the header's contig lengths are {detected}",
            )
        chosen, evidence = build, "given explicitly" + (f" (header agrees: {evidence})" if detected == build else "")
    elif detected is None:
        raise VcfInputError(source, None, "header",
                            "the genome build cannot be read from the header (no contig lengths or reference "
                            "lines); give it explicitly (--build GRCh37|GRCh38)")
    else:
        chosen = detected
    annotation, warnings = None, [f"{message} (in the VCF header)" for message in htslib_warnings]
    named = [key for key in consequence_keys if key in info_ids]
    # VEP writes under the name the pipeline chose (--vcf_info_field): a field laid out Allele|...|Consequence
    # (or SnpEff's Annotation), or Consequence|...|Feature without the Allele (CGAP's mutanno), is a consequence
    # annotation whatever its name. bcftools' BCSQ (consequence|gene|transcript, lower case) is not one.
    laid_out = sorted(key for key in info_ids if key not in named and _is_consequence_layout(info_descriptions[key]))
    for key in named + laid_out:
        try:
            annotation = ConsequenceFormat.from_description(key, info_descriptions[key])
        except AnnotationHeaderError as exc:
            raise VcfInputError(source, None, f"##INFO/{key}", str(exc)) from None
        break
    if annotation is None:
        found = ", ".join(k for k in ("BCSQ",) if k in info_ids)
        warnings.append("no VEP CSQ or SnpEff ANN consequence annotation in the header"
                        + (f" (found {found})" if found else "") + ": variants are stored unannotated")
    return vcf, VcfHeader(source, samples, chosen, evidence, annotation, header_lines, contigs,
                          info_ids, format_ids, warnings, info_descriptions)


def _is_consequence_layout(description: str) -> bool:
    layout = set(info_layout(description))
    if not layout & {"Consequence", "Annotation"}:
        return False
    return "Allele" in layout or bool(layout & {"Feature", "Feature_ID"} and layout & {"SYMBOL", "Gene", "IMPACT"})


def _describe(exc: Exception) -> str:
    return str(exc).strip() or type(exc).__name__
