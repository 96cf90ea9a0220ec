"""Read-backed phase from the VCF, for compound heterozygosity: two heterozygous variants of one gene that a
caller phased on one haplotype (in cis) are not compound heterozygous, whatever the family; phased on different
haplotypes (in trans) they are, even without parents.

Read after the main import (the file was read and checked through the bounds then), only when the header
declares FORMAT/PS or GATK's FORMAT/PGT and PID. Per sample and ALT allele of a heterozygous call:
- a phased GT (``0|1``) with PS: phase set ``PS:<value>``, the haplotype the ALT allele is on;
- a phased GT without a PS value: the contig is the phase set (a pedigree- or population-phased file);
- an unphased GT with GATK's PGT (``0|1``) and PID: phase set ``PID:<value>``, the haplotype from PGT.
Unphased calls have no row: their phase is unknown."""
from __future__ import annotations

from pathlib import Path

from django.db import transaction

from genomes.models import CaseImport, VariantPhase
from genomes.variant_identity import key_digest, normalize_contig, trim_alleles


def _declared(header_text: str) -> set[str]:
    return {key for key in ("PS", "PGT", "PID") if f"##FORMAT=<ID={key}," in header_text}


def _string_values(record, key: str) -> list | None:
    try:
        values = record.format(key)
    except KeyError:
        return None
    return None if values is None else [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _int_values(record, key: str) -> list | None:
    try:
        values = record.format(key)
    except KeyError:
        return None
    return None if values is None else [int(v[0]) if len(v) and v[0] > -2 ** 31 + 8 else None for v in values]


def phases_read(case_import: CaseImport) -> int:
    """Store the phase of the file's phased heterozygous calls for the import's samples; returns the rows."""
    import cyvcf2

    from genomes.vcf.htslib_messages import htslib_messages

    case = case_import.case
    path = Path(case_import.vcf_path)
    with htslib_messages([]):
        vcf = cyvcf2.VCF(str(path), lazy=True, threads=1)
    try:
        declared = _declared(vcf.raw_header)
        if not declared:
            return 0
        positions = {sample.vcf_sample_name: sample.position for sample in case.samples.all()}
        columns = {i: positions[name] for i, name in enumerate(vcf.samples) if name in positions}
        # Only the records the import stored (retention keeps the rare ones) can pair; the others are passed over
        # before their FORMAT fields are parsed. A stored row starts at the record's POS or a few bases after it
        # (the shared leading bases trimmed), so each stored start stands for the few POS before it too.
        stored = _stored_starts(case_import)
        build = case_import.genome_build
        found: list[tuple[str, int, str, int, str]] = []  # key, sample position, phase set, haplotype, source
        for record in vcf:
            if record.POS not in stored:
                continue
            genotypes = record.genotypes
            ps = _int_values(record, "PS") if "PS" in declared else None
            pgt = _string_values(record, "PGT") if "PGT" in declared else None
            pid = _string_values(record, "PID") if "PID" in declared else None
            chrom = normalize_contig(record.CHROM)
            for column, position in columns.items():
                call = genotypes[column]
                alleles, phased = call[:-1], call[-1]
                if len(alleles) != 2 or alleles[0] == alleles[1] or min(alleles) < 0:
                    continue  # only heterozygous diploid calls have a phase that matters here
                phase_set, haplotypes, source = None, alleles, ""
                if phased:
                    value = ps[column] if ps is not None else None
                    phase_set, source = (f"PS:{value}", "PS") if value is not None else (f"GT:{chrom}", "GT")
                elif pgt is not None and pid is not None and "|" in pgt[column] and pid[column] not in ("", "."):
                    parts = pgt[column].split("|")
                    if len(parts) == 2 and all(p.isdigit() for p in parts):
                        # PGT writes the ALT as 1 for the allele of this record (GATK splits multi-allelics)
                        haplotypes = [int(p) for p in parts]
                        phase_set, source = f"PID:{pid[column]}", "PGT/PID"
                if phase_set is None:
                    continue
                for alt_index, alt in enumerate(record.ALT or [], start=1):
                    target = alt_index if source != "PGT/PID" else 1
                    if target not in haplotypes:
                        continue
                    pos, ref, trimmed = trim_alleles(record.POS, record.REF, alt)
                    found.append((key_digest(build, chrom, pos, ref, trimmed), position, phase_set[:120],
                                  haplotypes.index(target), source))
    finally:
        vcf.close()
    if not found:
        return 0
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT key_md5::text, id FROM genomes_variant WHERE key_md5 = ANY(%s::uuid[])",
                       [sorted({row[0] for row in found})])
        ids = {key.replace("-", ""): variant_id for key, variant_id in cursor.fetchall()}
    rows = [VariantPhase(case_import=case_import, variant_id=ids[key], position=position, phase_set=phase_set,
                         haplotype=haplotype, source=source)
            for key, position, phase_set, haplotype, source in found if key in ids]
    with transaction.atomic():
        VariantPhase.objects.filter(case_import=case_import).delete()
        VariantPhase.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _stored_starts(case_import: CaseImport) -> set[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT pos FROM genomes_casevariant WHERE case_id = %s AND case_import_id = %s",
                       [case_import.case_id, case_import.pk])
        return {start - shift for (start,) in cursor.fetchall() for shift in range(4)}


def phases_attach(case_import_id: int, rows: list[dict]) -> None:
    """Give each case-variant row its read-backed phase per sample position: row["phase"] = {position: (set,
    haplotype)} (empty: unphased)."""
    if not rows:
        return
    by_variant: dict[int, dict[int, tuple[str, int]]] = {}
    for variant_id, position, phase_set, haplotype in VariantPhase.objects.filter(
            case_import_id=case_import_id, variant_id__in=[row["variant_id"] for row in rows]).values_list(
            "variant_id", "position", "phase_set", "haplotype"):
        by_variant.setdefault(variant_id, {})[position] = (phase_set, haplotype)
    for row in rows:
        row["phase"] = by_variant.get(row["variant_id"], {})


def pair_phase(first: dict, second: dict, position: int) -> str | None:
    """"cis" or "trans" when the file phased both calls of the person at ``position`` in one phase set; None:
    phase unknown."""
    a, b = (first.get("phase") or {}).get(position), (second.get("phase") or {}).get(position)
    if a is None or b is None or a[0] != b[0]:
        return None
    return "cis" if a[1] == b[1] else "trans"
