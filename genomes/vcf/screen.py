"""The text-level screen in front of cyvcf2 for WGS imports: drop what retention certainly drops, count it for QC.

About 94% of a WGS VCF's records are common variants that the retention policy
does not keep. cyvcf2 costs ~6 us a record before we look at anything, and the
reader's fast path (genomes.vcf.records.VcfReader._discarded_quickly) another
~8 us. This screen reads the decompressed text of one part of the file in a
process of its own and decides those records from their text: it counts them
exactly as the reader would (type, Ti/Tv, worst consequence, genotype pattern
and Mendelian check) and passes every other line on to cyvcf2 unchanged.

It only drops a record when it is certain: a biallelic, primary-contig, plain
sequence record with readable genotypes whose population frequency is clearly
above the threshold, with no ClinVar value and no pathogenic assertion in its
annotation. Anything else, including anything malformed, goes to cyvcf2, which
decides, counts or refuses it with the usual error. tests/genomes/vcf/test_screen.py
proves the rows and statistics equal the reader's own on synthetic and real files.

``python -m genomes.vcf.screen SPEC_JSON``: SPEC_JSON holds vcf, build, start, end,
previous (as for genomes.vcf.bgzf) and policy (a ReadPolicy as a dict). Writes the
header and the undecided lines on stdout; JSON lines on stderr: {"records": n}
now and then, then {"statistics": ...}, or {"error": "..."} and exit code 3.
"""
from __future__ import annotations

import json
import sys
import zlib

from core.errors import InputFileError
from genomes.clinvar import may_mention_pathogenic
from genomes.genotypes import HET, HOM_ALT, HOM_REF, MENDELIAN, MISSING
from genomes.variant_identity import CONTIG_LENGTHS, is_primary_contig, normalize_contig, trim_alleles
from genomes.vcf.bgzf import header_bytes, part_lines
from genomes.vcf.consequences import RANKED_CONSEQUENCES, worst_consequence
from genomes.vcf.contig_guard import ContigGuard
from genomes.vcf.evidence_fields import resolve_info_sources
from genomes.vcf.header import VcfHeader, open_vcf
from genomes.vcf.limits import ReadLimits
from genomes.vcf.records import PLAIN_BASES, ReadPolicy
from genomes.vcf.statistics import (
    MENDELIAN_MIN_GQ,
    RecordCounter,
    identity_codes,
    identity_region,
    identity_region_table,
)

try:
    from genomes.vcf import _screen as _compiled  # genomes/vcf/_screen.c, built by make (setup.py build_ext)
except ImportError:  # not built: the Python screen decides the same, ~20x slower
    _compiled = None

# GT text -> our genotype code, as the reader codes cyvcf2's allele arrays (tests/genomes/vcf/test_screen.py checks
# this). Half-missing calls ("./1") and multi-allelic ones are not listed: the reader decides those.
GENOTYPE_CODES = {
    "0/0": HOM_REF, "0|0": HOM_REF, "0": HOM_REF,
    "0/1": HET, "1/0": HET, "0|1": HET, "1|0": HET,
    "1/1": HOM_ALT, "1|1": HOM_ALT, "1": HOM_ALT,
    "./.": MISSING, ".|.": MISSING, ".": MISSING,
}
_PASS = frozenset({"PASS", "."})  # cyvcf2's FILTER is None for both
# htslib reads Float INFO values as float32; a value this close to the threshold is left to cyvcf2.
_THRESHOLD_MARGIN = 1e-6


class RecordScreen:
    """Decides records from their text; counts the dropped ones into a VcfReader's statistics."""

    def __init__(self, header: VcfHeader, policy: ReadPolicy):
        self.counter = RecordCounter(
            samples=len(policy.sample_columns), trio=policy.trio,
            trio_columns=[policy.sample_columns[i] for i in policy.trio] if policy.trio else [],
            annotation=header.annotation)
        self.statistics = self.counter.statistics
        self.threshold = policy.retention_max_popmax
        self.columns = [9 + c for c in policy.sample_columns]
        self.field_count = 9 + len(header.samples)
        self.trio = policy.trio
        self.trio_columns = [self.columns[i] for i in policy.trio] if policy.trio else []
        sources = resolve_info_sources(policy.info_fields, header.info_ids, header.info_descriptions)
        whole = {ours: found[0].key if found and found[0].sub_index is None else None  # text reads whole values
                 for ours, found in sources.items()}
        self.popmax_key, self.af_key = whole["gnomad_popmax"], whole["gnomad_af"]
        self.clinvar_key = sources["clinvar"][0].key if sources["clinvar"] else None  # any value: not dropped here
        annotation = header.annotation
        if len(sources["gnomad_popmax"]) > 1 or (annotation and annotation.population_indexes) \
                or (sources["gnomad_popmax"] and self.popmax_key is None):
            # The reader's popmax is the highest of several sources: one read here above the threshold drops the
            # record there too, but a record without this one may carry another, so the AF decides nothing here.
            self.af_key = None
        self.csq_key = annotation.info_key if annotation else None
        self.max_af_index = annotation.index["max_af"] if annotation and annotation.has("max_af") else None
        self.popmax_needle, self.af_needle, self.clinvar_needle, self.csq_needle = (
            f";{key}=" if key else None for key in (self.popmax_key, self.af_key, self.clinvar_key, self.csq_key))
        self.consequence_index = annotation.index["consequence"] if annotation else None
        self.annotation_width = len(annotation.fields) if annotation else 0
        self._worst: dict[tuple, str] = {}
        self.lengths = CONTIG_LENGTHS[header.build]
        self.identity_table = identity_region_table(header.build)
        self._contigs: dict[str, tuple[str, int, int] | None] = {}
        self._formats: dict[str, tuple[int, int] | None] = {}
        self.lines = 0

    @property
    def active(self) -> bool:
        return self.threshold is not None

    def screen_bytes(self, chunk: bytes) -> bytes:
        return self.screen(chunk.decode(errors="surrogateescape")).encode(errors="surrogateescape")

    def screen(self, text: str) -> str:
        """Whole lines in; the lines left for cyvcf2 out."""
        undecided = []
        for line in text.split("\n"):
            if line:
                self.lines += 1
                if not self._dropped(line):
                    undecided.append(line)
        return "\n".join(undecided) + "\n" if undecided else ""

    def _contig(self, raw: str):
        """(canonical name, length, region) of a primary contig; None leaves the record to cyvcf2."""
        if raw not in self._contigs:
            contig = normalize_contig(raw)
            self._contigs[raw] = (
                (contig, self.lengths[contig], 1 if contig == "X" else 2 if contig in ("Y", "MT") else 0)
                if is_primary_contig(contig)
                else None
            )
        return self._contigs[raw]

    def _format(self, text: str):
        """(GT index, GQ index or -1) of a FORMAT column; None when it has no GT."""
        if text not in self._formats:
            keys = text.split(":")
            self._formats[text] = (keys.index("GT"), keys.index("GQ") if "GQ" in keys else -1) if "GT" in keys else None
        return self._formats[text]

    def _dropped(self, line: str) -> bool:  # noqa: C901 - one pass over the line, in the reader's order of checks
        fields = line.split("\t")
        if len(fields) != self.field_count:
            return False
        contig = self._contig(fields[0])
        ref, alt = fields[3], fields[4]
        if contig is None or not ref or not alt or not PLAIN_BASES.issuperset(ref) \
                or not PLAIN_BASES.issuperset(alt):
            return False  # also multi-allelic (","), symbolic, "*" and "." alleles
        if "SVTYPE=" in fields[7]:
            return False  # a structural variant: the reader counts and lists those
        pos = fields[1]
        if not pos.isdecimal() or int(pos) < 1 or int(pos) + len(ref) - 1 > contig[1]:
            return False
        layout = self._format(fields[8])
        if layout is None:
            return False
        # The reader's fast path, on text: popmax, else AF (unless the annotation has MAX_AF), else MAX_AF.
        info = ";" + fields[7]
        observed = _number(_info_value(info, self.popmax_needle)) if self.popmax_needle else None
        if observed is None and self.af_needle and self.max_af_index is None:
            observed = _number(_info_value(info, self.af_needle))
        csq = _info_value(info, self.csq_needle) if self.csq_needle else None
        if observed is None and csq and self.max_af_index is not None:
            first = csq.split(",", 1)[0].split("|")
            observed = _number(first[self.max_af_index]) if self.max_af_index < len(first) else None
            if observed is None and self.af_needle:
                return False
        if observed is None or observed is False or observed <= self.threshold * (1 + _THRESHOLD_MARGIN):
            return False
        if self.clinvar_needle and _info_value(info, self.clinvar_needle) not in (None, ".", ""):
            return False
        if may_mention_pathogenic(csq):
            return False
        t_ref, t_alt = ref, alt  # SNVs need no trimming
        if ref == alt:
            return False  # the reader skips it as ALT = REF
        if len(ref) != 1 or len(alt) != 1:
            _, t_ref, t_alt = trim_alleles(int(pos), ref, alt)
            if t_ref == t_alt:
                return False
        gt_index, gq_index = layout
        genotypes = []
        for column in self.columns:
            parts = fields[column].split(":")
            code = GENOTYPE_CODES.get(parts[gt_index]) if gt_index < len(parts) else None
            if code is None:
                return False
            genotypes.append(code)
        confident = None
        if self.trio and contig[2] == 0:
            trio = self.trio
            if MENDELIAN.get((genotypes[trio[0]], genotypes[trio[1]], genotypes[trio[2]])) is not None:
                confident = fields[6] in _PASS
                if confident and gq_index >= 0:
                    for column in self.trio_columns:
                        parts = fields[column].split(":")
                        quality = parts[gq_index] if gq_index < len(parts) else "."
                        if quality in (".", ""):
                            continue
                        if not quality.isdecimal():
                            return False  # a float or negative GQ: cyvcf2 reads it
                        if int(quality) < MENDELIAN_MIN_GQ:
                            confident = False
                            break
        identity = None
        if len(ref) == 1 and len(alt) == 1 and fields[6] in _PASS:
            identity = identity_region(self.identity_table, contig[0], int(pos))
            if identity is not None:
                quals = None
                if gq_index >= 0:
                    quals = []
                    for column in self.columns:
                        parts = fields[column].split(":")
                        quality = parts[gq_index] if gq_index < len(parts) else "."
                        if quality in (".", ""):
                            quals.append(-1)
                        elif quality.isdecimal():
                            quals.append(int(quality))
                        else:
                            return False  # a float or negative GQ: cyvcf2 reads it
                identity_genotypes = identity_codes(genotypes, quals)
        # Certain now: count it as the reader's fast path does.
        counter, statistics = self.counter, self.statistics
        statistics.records += 1
        statistics.alleles += 1
        counter.count_allele(t_ref, t_alt)
        statistics.by_consequence[(self._worst_consequence(csq) or "none") if self.csq_key else "unannotated"] += 1
        counter.count_genotypes(genotypes, contig[0], bool(confident), None)
        if identity is not None:
            counter.count_identity(identity, identity_genotypes)
        statistics.skipped["common_by_retention_policy"] += 1
        return True

    def _worst_consequence(self, csq: str | None) -> str:
        """The worst consequence term of the annotation's entries (as RecordCounter.worst_of_annotation).

        One split on "|" instead of one per entry: entry j's field k is item j * (width - 1) + k, since
        the comma between entries sits inside one item."""
        if not csq:
            return ""
        parts = csq.split("|")
        width, entries = self.annotation_width, csq.count(",") + 1
        if len(parts) != entries * width - (entries - 1) or not self.consequence_index:
            return self.counter.worst_of_annotation(csq)
        fields = tuple(parts[self.consequence_index::width - 1])
        worst = self._worst.get(fields)
        if worst is None:
            worst = self._worst[fields] = worst_consequence({term for f in fields for term in f.split("&")})
        return worst

    def result(self) -> dict:
        self.counter.tally_patterns()
        return self.statistics.as_dict()


VARIANT_TYPES = ("snv", "mnv", "ins", "del", "indel")  # genomes/vcf/_screen.c counts them in this order


class CompiledRecordScreen:
    """RecordScreen's decisions and counts in C (genomes/vcf/_screen.c), over bytes: ~20x faster.

    Configured from a RecordScreen, whose counter receives the counts at the end; lines the C code is
    unsure of (numbers it does not read as plainly as Python would, unknown consequence terms) go to
    cyvcf2 like every other undecided line.
    """

    def __init__(self, header: VcfHeader, policy: ReadPolicy):
        reference = self._reference = RecordScreen(header, policy)
        self.counter, self.statistics, self.threshold = reference.counter, reference.statistics, reference.threshold
        self._screen = None
        if self.active:
            def key(name):
                return name.encode() if name else None

            self._screen = _compiled.Screen(
                reference.field_count, reference.columns, tuple(policy.trio) if policy.trio else None,
                reference.threshold * (1 + _THRESHOLD_MARGIN),
                key(reference.popmax_key), key(reference.af_key), key(reference.clinvar_key), key(reference.csq_key),
                -1 if reference.max_af_index is None else reference.max_af_index,
                reference.consequence_index or 0, [term.encode() for term, _ in RANKED_CONSEQUENCES],
                self._contig_info)

    @staticmethod
    def fits(policy: ReadPolicy) -> bool:
        return _compiled is not None and 1 <= len(policy.sample_columns) <= _compiled.MAX_SAMPLES

    @property
    def active(self) -> bool:
        return self.threshold is not None

    @property
    def lines(self) -> int:
        return self._screen.lines if self._screen else 0

    def _contig_info(self, raw: bytes):
        contig = self._reference._contig(raw.decode(errors="surrogateescape"))
        if contig is None:
            return None
        identity = self._reference.identity_table.get(contig[0], (-1, 0, 0))
        return (contig[1], contig[2], *identity)

    def screen_bytes(self, chunk: bytes) -> bytes:
        return self._screen.screen(chunk)

    def result(self) -> dict:
        if self._screen is not None:
            counts, statistics = self._screen.counts(), self.statistics
            dropped = counts["dropped"]
            statistics.records += dropped
            statistics.alleles += dropped
            if dropped:
                statistics.skipped["common_by_retention_policy"] += dropped
            statistics.transitions += counts["transitions"]
            statistics.transversions += counts["transversions"]
            for kind, count in zip(VARIANT_TYPES, counts["by_type"]):
                if count:
                    statistics.by_type[kind] += count
            labels = [term for term, _ in RANKED_CONSEQUENCES] + ["none", "unannotated"]
            for label, count in zip(labels, counts["by_consequence"]):
                if count:
                    statistics.by_consequence[label] += count
            patterns = self.counter.patterns
            for region, genotypes, mendel, count in counts["patterns"]:
                patterns[(region, genotypes, mendel)] = patterns.get((region, genotypes, mendel), 0) + count
            for region, genotypes, count in counts["identity"]:
                statistics.identity_patterns[(region, genotypes)] += count
        self.counter.tally_patterns()
        return self.statistics.as_dict()


def record_screen(header: VcfHeader, policy: ReadPolicy) -> RecordScreen | CompiledRecordScreen:
    """The compiled screen when it is built and the case fits it (1-6 samples), else the Python one."""
    return CompiledRecordScreen(header, policy) if CompiledRecordScreen.fits(policy) else RecordScreen(header, policy)


def _info_value(info: str, needle: str) -> str | None:
    """The value of one INFO key; ``info`` is the INFO column with ";" in front, ``needle`` ";KEY="."""
    start = info.find(needle)
    if start < 0:
        return None
    start += len(needle)
    end = info.find(";", start)
    return info[start:] if end < 0 else info[start:end]


def _number(text: str | None):
    """A frequency from INFO or annotation text: None when missing, False when unreadable (left to cyvcf2)."""
    if text is None or text in (".", ""):
        return None
    if "," in text:
        return False  # several values: the reader's per-allele logic decides
    try:
        value = float(text)
    except ValueError:
        return False
    return None if value != value else value  # NaN


def run(spec: dict, out, messages) -> int:
    limits = ReadLimits(**spec["limits"]) if spec.get("limits") else ReadLimits()
    policy = ReadPolicy(**spec["policy"])
    _, header = open_vcf(spec["vcf"], build=spec["build"], limits=limits,
                         consequence_keys=tuple(policy.info_fields.get("consequence", ("CSQ", "ANN"))))
    screen = RecordScreen(header, policy) if spec.get("python") else record_screen(header, policy)
    contigs = ContigGuard.from_dict(spec["contigs"]) if spec.get("contigs") else ContigGuard(header.contigs)
    out.write(contigs.header(header_bytes(spec["vcf"], limits)))
    next_report = 0
    for chunk in part_lines(spec["vcf"], spec["start"], spec["end"], spec["previous"], limits):
        contigs.check(chunk, source=spec["vcf"], lines_before=None)  # before the screen: dropped lines too
        if screen.active:
            chunk = screen.screen_bytes(chunk)
        if chunk:
            out.write(chunk)
        if screen.lines >= next_report:
            messages.write(json.dumps({"records": screen.lines}) + "\n")
            messages.flush()
            next_report += 25_000
    out.flush()
    messages.write(json.dumps({"statistics": screen.result()}) + "\n")
    messages.flush()
    return 0


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    spec["policy"]["info_fields"] = {k: tuple(v) for k, v in spec["policy"]["info_fields"].items()}
    try:
        return run(spec, sys.stdout.buffer, sys.stderr)
    except BrokenPipeError:
        return 0
    except (EOFError, zlib.error) as exc:
        sys.stderr.write(json.dumps({"error": str(exc)}) + "\n")
        return 3
    except InputFileError as error:  # a bound of genomes.vcf.limits, or a header the reader refused
        sys.stderr.write(json.dumps({"error": str(error), "input_error": error.as_dict()}) + "\n")
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
