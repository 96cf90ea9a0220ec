"""Everything the variant page shows about one variant of a case."""
from __future__ import annotations

from interpret.analysis import ROW_COLUMNS, case_individuals, fetch_rows, genotypes_of, transcripts_of
from interpret.inheritance import MODE_LABELS, compound_het_pairs, family_of_case, modes_of_row
from interpret.models import VariantComment, VariantTag
from interpret.scoring import score_parts, score_total


def sorted_transcripts(transcripts: list[dict]) -> list[dict]:
    """MANE Select first, then the Ensembl canonical, then by severity as VEP listed them."""
    return sorted(transcripts, key=lambda t: (not t.get("mane_select"), not t.get("canonical")))


def national_observations(variant_id: int) -> dict:
    """Families carrying the variant in the national database, by patient group (counts only: no case ids)."""
    rows = fetch_rows(
        "SELECT pg.code, count(DISTINCT cv.case_id) AS families FROM genomes_casevariant cv "
        "JOIN genomes_caseimport ci ON ci.id = cv.case_import_id AND ci.is_current "
        "JOIN genomes_case c ON c.id = cv.case_id JOIN interpret_patientgroup pg ON pg.id = c.patient_group_id "
        "WHERE cv.variant_id = %s AND (1 = ANY(cv.genotypes) OR 2 = ANY(cv.genotypes) OR 3 = ANY(cv.genotypes)) "
        "GROUP BY pg.code, pg.number ORDER BY pg.number", [variant_id])
    return {"total": sum(r["families"] for r in rows), "by_group": rows}


def variant_details(case, variant_id: int, *, user) -> dict | None:
    current = case.imports.filter(is_current=True).first()
    if current is None:
        return None
    found = fetch_rows(f"SELECT {', '.join(ROW_COLUMNS)} FROM genomes_casevariant WHERE case_id = %s "
                  "AND case_import_id = %s AND variant_id = %s", [case.pk, current.pk, variant_id])
    if not found:
        return None
    row = found[0]
    family = family_of_case(case)
    modes, partners = [], []
    if family is not None:
        modes = modes_of_row(row, family)
        same_genes = fetch_rows(f"SELECT {', '.join(ROW_COLUMNS)} FROM genomes_casevariant WHERE case_id = %s "
                           "AND case_import_id = %s AND genes && %s::text[]", [case.pk, current.pk, row["genes"]])
        by_id = {r["id"]: r for r in same_genes}
        for partner_id, kind in compound_het_pairs(same_genes, family).get(row["id"], []):
            partners.append({"row": by_id[partner_id], "kind": MODE_LABELS[kind]})
            if kind not in modes:
                modes.append(kind)
    transcripts = sorted_transcripts(transcripts_of(current.pk, case.pk, [row["id"]]).get(row["id"], []))
    genotypes = genotypes_of(row, case_individuals(case, family))
    parts = score_parts(row, panel_confidence=None, modes=modes)
    return {
        "row": row, "variant_id": variant_id, "transcripts": transcripts, "genotypes": genotypes,
        "modes": [MODE_LABELS.get(m, m) for m in modes], "partners": partners,
        "national": national_observations(variant_id),
        "tags": set(VariantTag.objects.filter(case=case, variant_id=variant_id).values_list("tag", flat=True)),
        "comments": VariantComment.objects.filter(case=case, variant_id=variant_id).select_related("created_by"),
        "score_parts": parts, "score": score_total(parts),
    }

