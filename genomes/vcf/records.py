"""Reading a VCF's records into case-variant rows, with the statistics QC needs.

Each record is split into one row per ALT allele; alleles get their identity from genomes.variant_identity;
consequences come from genomes.vcf.annotation; frequencies, ClinVar and scores from the configured INFO fields
(genomes.vcf.evidence_fields), falling back to the consequence annotation. Rows that the retention policy does
not keep are only counted (genomes.vcf.statistics).

Errors name the file, the line and the field (genomes.vcf.diagnosis says what htslib could not read).
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import cyvcf2
import numpy as np

from genomes.clinvar import is_pathogenic, may_mention_pathogenic, normalize_clinvar, review_stars
from genomes.genotypes import genotype_code
from genomes.variant_identity import (
    CONTIG_LENGTHS,
    is_primary_contig,
    is_sequence_allele,
    normalize_contig,
    trim_alleles,
)
from genomes.vcf.annotation import consequences_for_alt, parse_consequences
from genomes.vcf.consequences import CONSEQUENCE_IMPACT, INTERGENIC, highest_impact, worst_consequence
from genomes.vcf.diagnosis import diagnose_failure
from genomes.vcf.evidence_fields import resolve_info_sources, spliceai_max
from genomes.vcf.header import VcfHeader, VcfInputError, _describe
from genomes.vcf.statistics import (
    MENDELIAN_MIN_GQ,
    RecordCounter,
    identity_codes,
    identity_region,
    identity_region_table,
)

# Plain upper-case bases: alleles the fast path and the record screen decide without trimming surprises.
PLAIN_BASES = frozenset("ACGTN")
# A structural variant written as a symbolic or breakend allele in a small-variant file is not stored as a small
# variant: it is counted and listed, and belongs to the structural-variant import. A sequence-resolved indel is a
# call like any other, however long and whether or not it declares an SVTYPE (pindel's 90 bp FLT3-ITD), and is
# stored.
STRUCTURAL_LISTED = 20
# gVCF-style placeholders for "any other allele": not a variant, and not a structural one either
UNSPECIFIED_ALLELES = frozenset({"<*>", "<NON_REF>", "<X>"})
_INT32_MISSING = -2147483648


@dataclass
class ReadPolicy:
    """What the reader keeps, and how it reads the pipeline's fields."""

    sample_columns: list[int]                  # VCF column of each case sample, in Sample.position order
    info_fields: dict[str, tuple[str, ...]]    # our name -> INFO ids to try (genomes.vcf.evidence_fields)
    retention_max_popmax: float | None = 0.05  # None keeps everything
    somatic: bool = False
    trio: tuple[int, int, int] | None = None   # positions of proband, father, mother for Mendelian checks



def _per_allele(value, alt_index: int):
    """INFO values with Number=A come as tuples for multi-allelic records."""
    if isinstance(value, tuple):
        return value[alt_index - 1] if len(value) >= alt_index else None
    return value


def _site_genotypes(alleles: list[list[int]]) -> list[str]:
    """Each sample's call at a multi-allelic site as VCF text ("0/2", "./."), phasing aside."""
    return ["/".join("." if a < 0 else str(a) for a in sample if a != -2) or "." for sample in alleles]


def _sub_field(value, index: int, alt_index: int, n_alts: int):
    """Sub-field ``index`` of a structured INFO value ('a|b|c', one entry per ALT or one for all)."""
    if value is None:
        return None
    entries = (",".join(str(v) for v in value) if isinstance(value, tuple) else str(value)).split(",")
    if len(entries) == n_alts:
        entry = entries[alt_index - 1]
    elif len(entries) == 1:
        entry = entries[0]
    else:
        return None
    parts = entry.split("|")
    part = parts[index].strip() if index < len(parts) else ""
    return None if part in ("", ".") else part


def _as_float(value) -> float | None:
    """A number from INFO or a text field. htslib returns Float INFO values as float32: keep the 7
    significant digits float32 carries, so 0.001 stays 0.001 rather than 0.0010000000474974513."""
    if value is None or value == "." or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return float(f"{number:.7g}") if isinstance(value, float) else number



class VcfReader:
    """Iterates the rows to store for one VCF; statistics accumulate in ``statistics``."""

    def __init__(self, vcf: cyvcf2.VCF | None, header: VcfHeader, policy: ReadPolicy, *, screened: bool = False):
        """``screened``: the records come through the record screen (genomes.vcf.screen), which has already
        tried the fast path's decision on each; the full path decides and counts alike."""
        self.vcf, self.header, self.policy = vcf, header, policy
        self.fast_path = not screened
        self.column_list = list(policy.sample_columns)
        self.counter = RecordCounter(
            samples=len(policy.sample_columns), trio=policy.trio,
            trio_columns=[policy.sample_columns[i] for i in policy.trio] if policy.trio else [],
            annotation=header.annotation)
        self.statistics = self.counter.statistics
        # Bound once: these run for every record.
        self._count_allele, self._count_genotypes = self.counter.count_allele, self.counter.count_genotypes
        self.info = resolve_info_sources(policy.info_fields, header.info_ids, header.info_descriptions)
        annotation = header.annotation
        # Positions of the popmax sources inside the consequence annotation (VEP's MAX_AF, gnomAD's populations)
        self._csq_popmax = (((annotation.index["max_af"],) if annotation.has("max_af") else ())
                            + annotation.population_indexes) if annotation else ()
        self._popmax_sources = bool(self.info.get("gnomad_popmax")) or bool(self._csq_popmax)
        self.lengths = CONTIG_LENGTHS[header.build]
        self._contig_cache: dict[str, str | None] = {}
        self.identity_table = identity_region_table(header.build)

    def _contig(self, raw: str, line: int) -> str | None:
        """Canonical primary contig, None for a declared non-primary one (skipped); error for unknown ones."""
        if raw in self._contig_cache:
            return self._contig_cache[raw]
        contig = normalize_contig(raw)
        if is_primary_contig(contig):
            result = contig
        elif raw in self.header.contigs or (not self.header.contigs and not contig.isdecimal()):
            result = None  # unplaced, decoy, alt or HLA contig declared by the header: not analysed
        else:
            raise VcfInputError(self.header.path, line, "CHROM",
                                f"contig {raw!r} is not part of {self.header.build} (nor declared in the header)")
        self._contig_cache[raw] = result
        return result

    def rows(self, *, line_numbers: bool = True) -> Iterator[tuple]:
        """Rows to store. ``line_numbers=False`` when reading a part of the file (parallel import):
        errors then name the record's position instead of its line."""
        path, stats = self.header.path, self.statistics
        line = self.header.header_lines
        iterator = iter(self.vcf)
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                self.counter.tally_patterns()
                break
            except Exception as exc:
                if not line_numbers:
                    raise VcfInputError(path, None, None, f"malformed record ({_describe(exc)})") from None
                raise diagnose_failure(path, line + 1, len(self.header.samples), exc) from None
            line += 1
            stats.records += 1
            if stats.records % 100_000 == 0:
                self.counter.tally_patterns()  # keeps the per-sample figures current for long reads
            try:
                yield from self._record_rows(record, line if line_numbers else None)
            except VcfInputError as error:
                if line_numbers:
                    raise
                raise VcfInputError(path, None, error.field,
                                    f"{error.problem} (record at {record.CHROM}:{record.POS})") from None
            except (ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:
                # A value the header's declarations do not fit (a String DP, a ragged AD): the file's fault,
                # named as such, never a traceback.
                where = "" if line_numbers else f" (record at {record.CHROM}:{record.POS})"
                raise VcfInputError(path, line if line_numbers else None, None,
                                    f"malformed record ({_describe(exc)}){where}") from None

    def _record_rows(self, record, line: int) -> Iterator[tuple]:
        stats, policy = self.statistics, self.policy
        contig = self._contig(record.CHROM, line)
        alts = record.ALT
        if contig is None:
            stats.skipped["non_primary_contig"] += max(1, len(alts))
            return
        ref = record.REF
        if not is_sequence_allele(ref):
            raise VcfInputError(self.header.path, line, "REF", f"{ref!r} is not a sequence of A, C, G, T, N")
        pos = record.POS
        if pos < 1:  # htslib reads an empty or zero POS as 0 rather than failing
            raise VcfInputError(self.header.path, line, "POS", "a position is a whole number from 1")
        if pos + len(ref) - 1 > self.lengths[contig]:
            raise VcfInputError(self.header.path, line, "POS",
                                f"{pos:,} is beyond the end of {record.CHROM} in {self.header.build} "
                                f"({self.lengths[contig]:,} bp): wrong genome build?")
        if not alts:
            stats.skipped["no_alt"] += 1
            return
        if self._structural(record, ref, alts, contig, pos):
            return
        if "GT" not in record.FORMAT:
            raise VcfInputError(self.header.path, line, "FORMAT", "no GT: every record needs genotypes")
        if self.fast_path and len(alts) == 1 and self._discarded_quickly(record, contig, ref, alts[0]):
            return
        # numpy's arrays as Python lists once: indexing numpy scalars one by one costs more than the row.
        genotype_rows = record.genotype.array().tolist()
        columns = self.column_list
        alleles = [genotype_rows[c][:-1] for c in columns]  # the last item is the phasing flag
        formats = set(record.FORMAT)
        allele_depths = _allele_depth_matrix(record, len(alts) + 1) if "AD" in formats else None
        variant_depths = record.format("VD") if "VD" in formats else None
        somatic_af = record.format("AF") if policy.somatic and "AF" in formats else None
        # FORMAT/DP itself: cyvcf2's gt_depths answers -1 for some callers' records that do carry DP.
        depths = _sample_depths(record, columns) if "DP" in formats else [-1] * len(columns)
        quals = _sample_qualities(record, columns) if "GQ" in formats else None
        annotation = self.header.annotation
        consequences = (parse_consequences(record.INFO.get(annotation.info_key), annotation)
                        if annotation else [])
        filter_value = record.FILTER or "PASS"
        quality = record.QUAL
        identity = (identity_region(self.identity_table, contig, pos)
                    if filter_value == "PASS" and len(alts) == 1 and len(ref) == 1 and len(alts[0]) == 1 else None)
        site_genotypes = _site_genotypes(alleles) if len(alts) > 1 else None
        for alt_index, alt in enumerate(alts, start=1):
            stats.alleles += 1
            if alt == "*":
                stats.skipped["spanning_deletion"] += 1
                continue
            if alt in UNSPECIFIED_ALLELES:
                stats.skipped["unspecified_allele"] += 1
                continue
            if not is_sequence_allele(alt):  # a symbolic allele beside sequence ones: its own structural record
                self._count_structural(record, contig, pos, ref, alt)
                continue
            t_pos, t_ref, t_alt = trim_alleles(pos, ref, alt)
            if t_ref == t_alt:
                stats.skipped["alt_equals_ref"] += 1
                continue
            kind = self._count_allele(t_ref, t_alt)
            allele_consequences = consequences_for_alt(consequences, ref=ref, alts=alts, alt_index=alt_index)
            terms = {term for c in allele_consequences for term in c.consequences}
            worst = worst_consequence(terms)
            stats.by_consequence[worst or ("unannotated" if not annotation else "none")] += 1
            genotypes = self._genotypes(alleles, alt_index)
            self._count_genotypes(genotypes, contig, filter_value == "PASS" and _confident(quals), None)
            if identity is not None:
                self.counter.count_identity(identity, identity_codes(genotypes, quals))
            frequency, popmax = self._population(record, alt_index, allele_consequences)
            clinvar = normalize_clinvar(self._info(record, "clinvar", alt_index))
            if not clinvar:
                clinvar = normalize_clinvar([t for c in allele_consequences for t in c.clin_sig])
            if not self._retained(frequency, popmax, clinvar):
                stats.skipped["common_by_retention_policy"] += 1
                continue
            stats.kept += 1
            # SnpEff names the flanking gene pair ("GENE1-GENE2") on intergenic entries: not a gene.
            genic = [c for c in allele_consequences if not INTERGENIC.issuperset(c.consequences)]
            ref_reads, alt_reads, fractions = self._reads(allele_depths, variant_depths, somatic_af, depths, alt_index)
            yield (
                contig, t_pos, t_ref, t_alt, kind, filter_value, _as_float(quality),
                self._rsid(record, allele_consequences),
                sorted({c.symbol for c in genic if c.symbol}),
                sorted({c.gene_id for c in genic if c.gene_id}),
                sorted(terms), worst,
                highest_impact(c.impact or CONSEQUENCE_IMPACT.get(worst_consequence(c.consequences), "")
                               for c in allele_consequences),
                bool(annotation), frequency, popmax, list(clinvar),
                self._score(record, "cadd_phred", alt_index, [c.cadd_phred for c in allele_consequences]),
                self._score(record, "revel", alt_index, [c.revel for c in allele_consequences]),
                self._spliceai(record, allele_consequences),
                [_transcript(c) for c in allele_consequences],
                genotypes,
                [None] * len(genotypes) if quals is None
                else [None if q < 0 else int(min(q, 32767)) for q in quals],
                [None if d < 0 else int(d) for d in depths],  # htslib's missing is a large negative
                ref_reads, alt_reads, fractions,
                self._clinvar_stars(record, alt_index, allele_consequences) if clinvar else None,
                site_genotypes,
            )

    def _structural(self, record, ref: str, alts: list[str], contig: str, pos: int) -> bool:
        """A record of symbolic and breakend alleles only: counted and listed, not stored. A sequence-resolved
        record that declares an SVTYPE (pindel's FLT3-ITD, Manta's small deletions) is stored like any indel,
        and counted: a file of mostly such records is a structural-variant VCF (genomes.importing.load)."""
        if record.INFO.get("SVTYPE") is not None:
            self.statistics.sv_declared += 1
        if any(alt == "*" or alt in UNSPECIFIED_ALLELES or is_sequence_allele(alt) for alt in alts):
            return False
        for alt in alts:
            self._count_structural(record, contig, pos, ref, alt)
        return True

    def _count_structural(self, record, contig: str, pos: int, ref: str, alt: str) -> None:
        stats = self.statistics
        stats.alleles += 1
        stats.skipped["structural"] += 1
        if len(stats.structural) < STRUCTURAL_LISTED:
            kind = record.INFO.get("SVTYPE")
            if kind is None:
                kind = (alt.strip("<>").split(":")[0] if alt.startswith("<") else "BND" if "[" in alt or "]" in alt
                        else "DEL" if len(ref) > len(alt) else "INS" if len(alt) > len(ref) else "MNV")
            end = record.INFO.get("END")
            length = record.INFO.get("SVLEN")
            if isinstance(length, tuple):
                length = length[0] if length else None
            if length is None and is_sequence_allele(alt):
                length = len(alt) - len(ref)
            stats.structural.append({"chrom": contig, "pos": pos, "id": record.ID or "", "type": str(kind),
                                     "end": int(end) if isinstance(end, (int, float)) else None,
                                     "length": abs(int(length)) if isinstance(length, (int, float)) else None})

    def _discarded_quickly(self, record, contig: str, ref: str, alt: str) -> bool:
        """The fast path for the ~94% of WGS records a retention policy drops.

        Decides from a few INFO fields (or the first consequence entry) before
        any full consequence parsing, and counts the record's QC statistics from
        the full path's genotype codes. Returns False whenever it is not certain the
        record is dropped; the full path then decides (and counts) as usual.
        """
        threshold = self.policy.retention_max_popmax
        # Plain upper-case alleles only: lower case, ALT = REF and symbolic alleles are the full path's to
        # decide (it counts "a>G" as a transition and skips ALT = REF).
        if threshold is None or ref == alt or not (PLAIN_BASES.issuperset(ref) and PLAIN_BASES.issuperset(alt)):
            return False
        annotation = self.header.annotation
        csq = record.INFO.get(annotation.info_key) if annotation else None
        # The full path's popmax is the highest of every popmax source (genomes.vcf.evidence_fields); a value
        # read here above the threshold drops the record there too. Only a file without popmax sources falls
        # back to the AF, as the full path does.
        observed = None
        for value in self._info_values(record, "gnomad_popmax", 1):
            observed = value if observed is None or value > observed else observed
        if csq and self._csq_popmax:
            first = csq.split(",", 1)[0].split("|")
            for index in self._csq_popmax:
                value = _as_float(first[index]) if index < len(first) else None
                if value is not None and (observed is None or value > observed):
                    observed = value
        if observed is None:
            if self._popmax_sources:
                return False  # a popmax source of a later entry may decide: the full path reads them all
            af = self._info_values(record, "gnomad_af", 1)
            observed = af[0] if af else None
        if observed is None or observed <= threshold:
            return False
        if self.info["clinvar"] and is_pathogenic(normalize_clinvar(self._info(record, "clinvar", 1))):
            return False
        if may_mention_pathogenic(csq):  # a (likely) pathogenic CLIN_SIG inside the annotation
            return False
        if len(ref) == 1 and len(alt) == 1:  # SNVs need no trimming
            t_ref, t_alt = ref, alt
        else:
            t_pos, t_ref, t_alt = trim_alleles(record.POS, ref, alt)
            if t_ref == t_alt:
                return False
        stats = self.statistics
        stats.alleles += 1
        self._count_allele(t_ref, t_alt)
        if annotation:
            stats.by_consequence[self.counter.worst_of_annotation(csq) or "none"] += 1
        else:
            stats.by_consequence["unannotated"] += 1
        # The full path's genotype codes (cyvcf2's gt_types reads half-missing calls and a second ALT otherwise).
        genotype_rows = record.genotype.array().tolist()
        genotypes = self._genotypes([genotype_rows[c][:-1] for c in self.column_list], 1)
        self._count_genotypes(genotypes, contig, None, record)
        if len(ref) == 1 and len(alt) == 1 and record.FILTER is None:
            identity = identity_region(self.identity_table, contig, record.POS)
            if identity is not None:
                quals = _sample_qualities(record, self.column_list) if "GQ" in record.FORMAT else None
                self.counter.count_identity(identity, identity_codes(genotypes, quals))
        stats.skipped["common_by_retention_policy"] += 1
        return True

    @staticmethod
    def _genotypes(alleles: list[list[int]], alt_index: int) -> list[int]:
        """Genotype codes of the case samples' allele lists (cyvcf2's: -1 missing, -2 vector end) for one ALT."""
        codes = []
        for sample_alleles in alleles:
            code = _BIALLELIC_GENOTYPES.get(tuple(sample_alleles)) if alt_index == 1 else None
            if code is None:
                code = genotype_code(sample_alleles, alt_index)
            codes.append(code)
        return codes

    def _info(self, record, ours: str, alt_index: int):
        """The value of one of our fields for one ALT from its first source: its INFO value, or a sub-field of a
        structured one."""
        sources = self.info.get(ours)
        if not sources:
            return None
        return self._source_value(record, sources[0], alt_index)

    def _info_values(self, record, ours: str, alt_index: int) -> list[float]:
        """The numbers every source of one of our fields carries for one ALT (popmax reads them all)."""
        values = []
        for source in self.info.get(ours, ()):
            value = _as_float(self._source_value(record, source, alt_index))
            if value is not None:
                values.append(value)
        return values

    @staticmethod
    def _source_value(record, source, alt_index: int):
        value = record.INFO.get(source.key)
        if source.sub_index is None:
            return _per_allele(value, alt_index)
        return _sub_field(value, source.sub_index, alt_index, len(record.ALT))

    def _clinvar_stars(self, record, alt_index: int, allele_consequences) -> int | None:
        stars = review_stars(self._info(record, "clinvar_review", alt_index))
        if stars is None:
            stars = next((s for s in (review_stars(c.clinvar_review) for c in allele_consequences)
                          if s is not None), None)
        return stars

    def _population(self, record, alt_index, allele_consequences) -> tuple[float | None, float | None]:
        """The database's allele frequency (the first source carrying one) and popmax: the highest of every
        popmax source the record carries (INFO fields, VEP's MAX_AF, gnomAD's populations written by VEP)."""
        frequencies = self._info_values(record, "gnomad_af", alt_index)
        frequency = frequencies[0] if frequencies else next(
            (c.gnomad_af for c in allele_consequences if c.gnomad_af is not None), None)
        popmax_values = self._info_values(record, "gnomad_popmax", alt_index)
        for attribute in ("max_af", "population_max"):
            value = next((getattr(c, attribute) for c in allele_consequences if getattr(c, attribute) is not None),
                         None)
            if value is not None:
                popmax_values.append(value)
        return frequency, (max(popmax_values) if popmax_values else None)

    def _retained(self, frequency, popmax, clinvar) -> bool:
        threshold = self.policy.retention_max_popmax
        if threshold is None or is_pathogenic(clinvar):
            return True
        observed = popmax if popmax is not None else frequency
        return observed is None or observed <= threshold

    def _score(self, record, ours: str, alt_index: int, from_annotation: list) -> float | None:
        values = self._info_values(record, ours, alt_index)
        if values:
            return values[0]
        values = [v for v in from_annotation if v is not None]
        return max(values) if values else None

    def _spliceai(self, record, allele_consequences) -> float | None:
        source = self.info["spliceai"][0] if self.info["spliceai"] else None
        if source and source.sub_index is not None:  # a MAXDS sub-field
            value = _as_float(self._info(record, "spliceai", 1))
            if value is not None:
                return value
        elif source:
            value = spliceai_max(record.INFO.get(source.key), source.delta_indexes or (2, 3, 4, 5))
            if value is not None:
                return value
        values = [c.spliceai_max for c in allele_consequences if c.spliceai_max is not None]
        return max(values) if values else None

    @staticmethod
    def _rsid(record, allele_consequences) -> str:
        if record.ID and record.ID.startswith("rs"):
            return record.ID.split(";")[0]
        for c in allele_consequences:
            for name in c.existing_variation:
                if name.startswith("rs"):
                    return name
        return ""

    def _reads(self, allele_depths, variant_depths, somatic_af, depths, alt_index):
        n = len(self.column_list)
        ref_reads: list[int | None] = [None] * n
        alt_reads: list[int | None] = [None] * n
        fractions: list[float | None] = [None] * n
        with_depths = allele_depths is not None and len(allele_depths[0]) > alt_index
        if somatic_af is not None and somatic_af.shape[1] >= alt_index:
            somatic_fractions = somatic_af[:, alt_index - 1].tolist()
        else:
            somatic_fractions = None
        site_reads: list[int | None] = [None] * n
        for i, column in enumerate(self.column_list):
            if with_depths:
                row = allele_depths[column]
                r, a = row[0], row[alt_index]
                ref_reads[i] = r if r >= 0 else None
                alt_reads[i] = a if a >= 0 else None
                if r >= 0 and a >= 0:
                    site_reads[i] = sum(x for x in row if x > 0)  # every allele's reads at the site
            elif variant_depths is not None:
                a = int(variant_depths[column][0])
                if a >= 0 and a != _INT32_MISSING:
                    alt_reads[i] = a
                    if depths[i] >= 0:
                        ref_reads[i] = max(0, int(depths[i]) - a)
            if somatic_fractions is not None:
                value = float(somatic_fractions[column])
                fractions[i] = None if math.isnan(value) or value < 0 else round(value, 4)
            elif site_reads[i]:
                fractions[i] = round(alt_reads[i] / site_reads[i], 4)
            elif ref_reads[i] is not None and alt_reads[i] is not None and ref_reads[i] + alt_reads[i] > 0:
                fractions[i] = round(alt_reads[i] / (ref_reads[i] + alt_reads[i]), 4)
        return ref_reads, alt_reads, fractions



_BIALLELIC_GENOTYPES = {alleles: genotype_code(list(alleles), 1) for alleles in (
    (0, 0), (0, 1), (1, 0), (1, 1), (-1, -1), (0, -2), (1, -2), (-1, -2), (0, -1), (-1, 0), (1, -1), (-1, 1))}


def _confident(quals: list | None) -> bool:
    """All reported GQs >= 20; a record without GQ (all missing) does not count against the site."""
    if quals is None:
        return True
    return all(q >= MENDELIAN_MIN_GQ for q in quals if q >= 0)


def _sample_qualities(record, columns: list[int]) -> list[int | float]:
    """FORMAT/GQ of the case samples, negative where missing (as cyvcf2's gt_quals, which costs 10x more)."""
    values = record.format("GQ")
    if values is not None and values.dtype.kind == "i" and values.ndim == 2:
        rows = values.tolist()
        return [rows[c][0] for c in columns]  # htslib's missing and vector end are large negatives
    quals = record.gt_quals.tolist()  # a caller that declares GQ as a Float
    return [quals[c] for c in columns]


def _sample_depths(record, columns: list[int]) -> list[int]:
    """FORMAT/DP of the case samples, -1 (or another negative) where missing."""
    values = np.asarray(record.format("DP"))
    if values.dtype.kind in "iu" and values.ndim == 2:
        rows = values.tolist()
        return [rows[c][0] for c in columns]
    if values.dtype.kind == "f" and values.ndim == 2:  # a caller that declares DP as a Float
        picked = values[columns, 0]
        return np.where(np.isfinite(picked), picked, -1).astype(np.int64).tolist()
    # DP declared as a String: read what is a whole number, the rest is missing.
    flat = values.reshape(len(values), -1)[:, 0].tolist() if values.ndim else []
    return [_whole_number(flat[c]) if c < len(flat) else -1 for c in columns]


def _whole_number(value) -> int:
    text = value.decode() if isinstance(value, bytes) else str(value)
    return int(text) if text.isdecimal() else -1


def _allele_depth_matrix(record, n_alleles: int) -> list[list[int]] | None:
    """FORMAT/AD as integers (samples x alleles, rows of equal length), -1 where missing; some callers
    declare AD as a String."""
    values = record.format("AD")
    if values is None:
        return None
    values = np.asarray(values)
    if values.dtype.kind in "iu" and values.ndim == 2:
        return [[a if a >= 0 else -1 for a in row] for row in values.tolist()]
    matrix = np.full((values.shape[0], n_alleles), -1, dtype=np.int64)
    for i, text in enumerate(values.reshape(values.shape[0], -1)[:, 0]):
        text = text.decode() if isinstance(text, bytes) else str(text)
        for j, part in enumerate(text.split(",")[:n_alleles]):
            if part.strip().isdecimal():
                matrix[i, j] = int(part)
    return matrix.tolist()


def _transcript(c) -> dict:
    """One transcript's annotation as stored, without empty values (these fields are text or None)."""
    entry = {}
    if c.symbol:
        entry["gene"] = c.symbol
    if c.gene_id:
        entry["gene_id"] = c.gene_id
    if c.transcript_id:
        entry["transcript"] = c.transcript_id
    entry["consequences"] = list(c.consequences)
    for key, value in (("impact", c.impact), ("hgvsc", c.hgvsc), ("hgvsp", c.hgvsp), ("exon", c.exon),
                       ("intron", c.intron)):
        if value:
            entry[key] = value
    if c.canonical:
        entry["canonical"] = True
    for key, value in (("mane_select", c.mane_select), ("biotype", c.biotype), ("lof", c.lof),
                       ("lof_filter", c.lof_filter), ("hgnc_id", c.hgnc_id), ("sift", c.sift),
                       ("polyphen", c.polyphen), ("refseq", c.refseq)):
        if value:
            entry[key] = value
    return entry
