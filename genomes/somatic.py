"""What a tumour case's stored calls say as a whole: which samples are tumour and normal, what the file lacks (and
what the somatic view then cannot show), the tumour mutational burden, and the mutational profile (VAF histogram,
variant types, the six substitution classes).

TMB method (stated with every figure, with its territory): PASS calls the tumour carries, with a coding,
non-synonymous consequence (CODING_NON_SYNONYMOUS), and a tumour VAF of at least TMB_MIN_VAF where the file gives
one, over the callable coding territory stated for the case (import_case --callable-mb), else
TMB_DEFAULT_CALLABLE_MB. The somatic caller's PASS decides what is somatic; a file without consequence annotation
has no TMB ("not annotated"), and a territory below TMB_MIN_CALLABLE_MB gives none ("not assessable").
"""
from __future__ import annotations

from django.conf import settings
from django.db import connection

from genomes.genotypes import CARRIER, codes_sql
from genomes.models import Case, Sample
from genomes.vcf.consequences import CODING_NON_SYNONYMOUS
from genomes.vcf.evidence_fields import carries

SOMATIC_TYPES = (Case.AnalysisType.TUMOUR_NORMAL, Case.AnalysisType.TUMOUR_ONLY)

SUBSTITUTION_CLASSES = ("C>A", "C>G", "C>T", "T>A", "T>C", "T>G")
_COMPLEMENT = str.maketrans("ACGT", "TGCA")
VAF_BINS = 20  # 5% wide


def is_somatic(case) -> bool:
    return case.analysis_type in SOMATIC_TYPES


def tumour_normal_positions(case) -> tuple[int | None, int | None]:
    """Positions (in the genotype arrays) of the tumour and the matched normal sample; None where there is none."""
    tumour = normal = None
    for role, position in Sample.objects.filter(case=case).values_list("role", "position"):
        if role == Sample.Role.TUMOUR:
            tumour = position
        elif role == Sample.Role.NORMAL:
            normal = position
    return tumour, normal


def substitution_class(ref: str, alt: str) -> str | None:
    """An SNV as one of the six pyrimidine-reference classes (G>T is C>A on the other strand)."""
    if len(ref) != 1 or len(alt) != 1 or ref not in "ACGT" or alt not in "ACGT" or ref == alt:
        return None
    if ref in "GA":
        ref, alt = ref.translate(_COMPLEMENT), alt.translate(_COMPLEMENT)
    return f"{ref}>{alt}"


def somatic_summary(case, case_import, evidence: dict | None = None) -> dict:
    """Evidence, TMB and profile of a tumour case's import, as stored in its statistics at import (``evidence``:
    the import's evidence sources, when they are not stored yet)."""
    tumour, normal = tumour_normal_positions(case)
    if evidence is None:
        evidence = (case_import.statistics or {}).get("evidence_sources")
    counts = _column_counts(case, case_import, tumour, normal)
    summary = {"evidence": somatic_evidence(case, evidence, counts, normal),
               "tmb": tumour_mutational_burden(case, case_import, tumour, evidence),
               "profile": mutational_profile(case, case_import, tumour)}
    return summary


def _column_counts(case, case_import, tumour, normal) -> dict:
    if tumour is None:
        return {"rows": 0}
    t = tumour + 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*), count(allele_fraction[{t}]), count(alt_reads[{t}]), count(depth[{t}])
                {f", count(alt_reads[{normal + 1}]), count(depth[{normal + 1}])" if normal is not None else ""}
                FROM genomes_casevariant WHERE case_id = %s AND case_import_id = %s""",
            [case.pk, case_import.pk])
        row = cursor.fetchone()
    counts = {"rows": row[0], "tumour_vaf": row[1], "tumour_alt_reads": row[2], "tumour_depth": row[3]}
    if normal is not None:
        counts.update(normal_alt_reads=row[4], normal_depth=row[5])
    return counts


def somatic_evidence(case, evidence: dict | None, counts: dict, normal) -> dict:
    """What the file carries for the somatic view, and for each thing it lacks, what the view cannot show."""
    rows = counts.get("rows", 0)
    has = {
        "normal": normal is not None,
        "consequences": bool(carries(evidence, "consequence")),
        "population_frequency": bool(carries(evidence, "gnomad_af", "gnomad_popmax")),
        "tumour_vaf": bool(rows and counts.get("tumour_vaf")),
        "tumour_alt_reads": bool(rows and counts.get("tumour_alt_reads")),
        "tumour_depth": bool(rows and counts.get("tumour_depth")),
        "normal_alt_reads": bool(normal is not None and rows and counts.get("normal_alt_reads")),
    }
    lacks = []
    if not has["normal"]:
        lacks.append("No matched normal sample (tumour-only): somatic and germline calls cannot be told apart by "
                     "a normal; population frequency is the germline filter, and normal alt reads are not shown.")
    if not has["consequences"]:
        lacks.append("No consequence annotation (VEP CSQ or SnpEff ANN): consequences, the coding TMB, and the "
                     "oncogenicity suggestions that need a consequence (OVS1, hotspots) are not available; "
                     "consequence filters keep nothing.")
    if not has["population_frequency"]:
        lacks.append("No population frequencies: the gnomAD germline filter keeps every call, and OP4, SBS1 and "
                     "SBVS1 are not suggested.")
    if not has["tumour_vaf"]:
        lacks.append("No tumour allele fraction (FORMAT AF, or AD/VD with DP): tumour VAF, the VAF filter "
                     "(which then keeps nothing) and the VAF histogram are not available.")
    if not has["tumour_alt_reads"]:
        lacks.append("No tumour allele depths (FORMAT AD or VD): tumour alt reads are not shown, and the alt-read "
                     "filter keeps nothing.")
    if not has["tumour_depth"]:
        lacks.append("No tumour depth (FORMAT DP): the depth filter keeps nothing.")
    if has["normal"] and not has["normal_alt_reads"]:
        lacks.append("No allele depths for the normal sample: germline leakage and tumour-in-normal cannot be "
                     "judged, and the normal alt-read filter keeps every call.")
    return {"has": has, "lacks": lacks}


def tumour_mutational_burden(case, case_import, tumour=None, evidence=None) -> dict:
    """Coding somatic mutations per megabase of the case's callable territory, with its method and territory."""
    if tumour is None:
        tumour, _ = tumour_normal_positions(case)
    if evidence is None:
        evidence = (case_import.statistics or {}).get("evidence_sources")
    stated = case.callable_mb is not None
    territory = case.callable_mb if stated else settings.TMB_DEFAULT_CALLABLE_MB
    method = (f"PASS calls in the tumour with a coding, non-synonymous consequence and tumour VAF >= "
              f"{settings.TMB_MIN_VAF:g} (where given), per Mb of callable coding territory")
    result = {"per_mb": None, "coding_mutations": None, "territory_mb": territory,
              "territory_source": "stated for the case" if stated else "default (TMB_DEFAULT_CALLABLE_MB)",
              "method": method, "min_vaf": settings.TMB_MIN_VAF}
    if tumour is None:
        result["not_available"] = "no tumour sample"
        return result
    if not carries(evidence, "consequence"):
        result["not_available"] = "consequences not annotated: coding mutations cannot be counted"
        return result
    t = tumour + 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FROM genomes_casevariant
                WHERE case_id = %s AND case_import_id = %s AND filter = 'PASS'
                  AND genotypes[{t}] IN {codes_sql(CARRIER)}
                  AND consequences && %s::text[]
                  AND (allele_fraction[{t}] IS NULL OR allele_fraction[{t}] >= %s)""",
            [case.pk, case_import.pk, sorted(CODING_NON_SYNONYMOUS), settings.TMB_MIN_VAF])
        coding = cursor.fetchone()[0]
    result["coding_mutations"] = coding
    if territory < settings.TMB_MIN_CALLABLE_MB:
        # 8 mutations over a 0.14 Mb amplicon panel would read "57 mut/Mb": a figure the panel cannot support
        result["not_assessable"] = (f"the callable territory ({territory:g} Mb) is below "
                                    f"{settings.TMB_MIN_CALLABLE_MB:g} Mb: too small to estimate a TMB")
        return result
    result["per_mb"] = round(coding / territory, 2)
    return result


def mutational_profile(case, case_import, tumour=None) -> dict:
    """VAF histogram (5% bins), variant types and SNV substitution classes of the tumour's PASS calls."""
    if tumour is None:
        tumour, _ = tumour_normal_positions(case)
    profile = {"vaf_bins": [0] * VAF_BINS, "vaf_not_given": 0, "types": {},
               "substitutions": dict.fromkeys(SUBSTITUTION_CLASSES, 0), "calls": 0}
    if tumour is None:
        return profile
    t = tumour + 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT variant_type, ref, alt, allele_fraction[{t}] FROM genomes_casevariant
                WHERE case_id = %s AND case_import_id = %s AND filter = 'PASS'
                  AND genotypes[{t}] IN {codes_sql(CARRIER)}""", [case.pk, case_import.pk])
        for variant_type, ref, alt, vaf in cursor:
            profile["calls"] += 1
            profile["types"][variant_type] = profile["types"].get(variant_type, 0) + 1
            klass = substitution_class(ref, alt) if variant_type == "snv" else None
            if klass:
                profile["substitutions"][klass] += 1
            if vaf is None:
                profile["vaf_not_given"] += 1
            else:
                profile["vaf_bins"][min(VAF_BINS - 1, max(0, int(vaf * VAF_BINS)))] += 1
    return profile
