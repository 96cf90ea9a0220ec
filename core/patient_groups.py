"""The 17 patient groups of the Danish national WGS programme (Danish National Genome Center, Nationalt
Genom Center: the patient groups whose specialist networks indicate whole-genome sequencing).

Codes are ours and stable: URLs, the API and the command line use them.
Groups 3-6 also have tumour/normal somatic analysis, hence kind "both".
"""
from __future__ import annotations

PATIENT_GROUPS: tuple[tuple[int, str, str, str, str], ...] = (
    (1, "RARE", "Rare diseases in children and adults", "germline",
     "Suspected monogenic rare disease in children and adults; singleton or trio analysis with GenNet panels "
     "and, where panels do not explain the phenotype, genome-wide analysis."),
    (2, "FOETAL", "Foetal medicine (prenatal diagnostics)", "germline",
     "Foetuses with structural anomalies on ultrasound, analysed with both parents; maternal cell "
     "contamination is estimated for every foetal sample."),
    (3, "CANCER-CHILD", "Cancer in children and young people (up to 18)", "both",
     "Tumour/normal analysis of childhood cancers for the molecular tumor board, and germline analysis "
     "for cancer predisposition."),
    (4, "CANCER-ADULT", "Cancer in young adults (18-30) and adults with hereditary cancer", "both",
     "Hereditary cancer syndromes in adults and cancer in young adults; germline panels and "
     "tumour/normal analysis."),
    (5, "CANCER-ADVANCED", "Advanced and incurable cancer", "both",
     "Tumour/normal analysis for patients with advanced cancer to find treatment options, "
     "including clinical trials; reviewed by the molecular tumor board."),
    (6, "HAEM-CANCER", "Haematological cancer", "both",
     "Leukaemia, lymphoma and myeloid neoplasms: somatic variants for diagnosis, prognosis and "
     "treatment, and germline predisposition."),
    (7, "HAEM", "Hereditary haematological diseases (incl. unresolved cytopenia)", "germline",
     "Inherited anaemias, bleeding and thrombotic disorders, bone-marrow failure and unexplained cytopenia."),
    (8, "HEART", "Hereditary heart diseases", "germline",
     "Cardiomyopathies, channelopathies, aortopathies and sudden cardiac death in the young."),
    (9, "LIVER", "Hereditary cholestatic and fibrotic liver diseases", "germline",
     "Inherited cholestasis and fibrotic liver disease in children and adults."),
    (10, "KIDNEY", "Kidney failure", "germline",
     "Suspected hereditary kidney disease: cystic kidney disease, glomerulopathies, tubulopathies and "
     "congenital anomalies of the kidney and urinary tract."),
    (11, "ENDO", "Endocrinological patients (diabetes, metabolic, thyroid)", "germline",
     "Monogenic diabetes, inborn errors of metabolism, thyroid and other endocrine disorders."),
    (12, "IMMUNE", "Primary immune deficiency", "germline",
     "Inborn errors of immunity: immune deficiency, immune dysregulation and autoinflammation."),
    (13, "NEURO", "Neurogenetic patients", "germline",
     "Neuromuscular disease, movement disorders, ataxias, epilepsies and neurodegeneration."),
    (14, "PSYCH", "Psychiatry (children and young people)", "germline",
     "Children and young people with severe psychiatric disorders and suspected genetic cause."),
    (15, "SKIN", "Severe hereditary skin diseases", "germline",
     "Genodermatoses such as epidermolysis bullosa and ichthyoses."),
    (16, "EYE", "Hereditary eye diseases (ophthalmology)", "germline",
     "Inherited retinal dystrophies, optic atrophies, anterior segment and developmental eye disorders."),
    (17, "HEARING", "Hearing loss (audiogenetics)", "germline",
     "Congenital and early-onset hearing loss, syndromic and non-syndromic."),
)


def patient_groups_sync(patient_group_model=None) -> int:
    """Create or update the 17 groups; idempotent. Used by the data migration.

    The migration passes its historical model; callers at run time use the current one.
    """
    if patient_group_model is None:
        from core.models import PatientGroup as patient_group_model
    for number, code, name, kind, description in PATIENT_GROUPS:
        patient_group_model.objects.update_or_create(
            code=code, defaults={"number": number, "name": name, "kind": kind, "description": description}
        )
    return len(PATIENT_GROUPS)
