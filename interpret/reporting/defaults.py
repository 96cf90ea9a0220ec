"""The default report texts, for departments that have not uploaded their own (their ReportTemplate)."""

LETTERHEAD = "National genome programme\nClinical genetics"
METHODS = (
    "Whole-genome sequencing (30x, short reads) of the individuals listed, aligned to the reference genome "
    "named, variants called and annotated by the department's validated pipeline, then filtered on this platform "
    "with the gene panel versions and the exact settings stated below. Variants are classified by the ACMG/AMP "
    "2015 criteria with the ClinGen SVI refinements; the classification version is stated for each."
)
LIMITATIONS = (
    "Short-read genome sequencing does not reliably detect repeat expansions, low-level mosaicism, variants in "
    "segmental duplications and pseudogene-homologous regions, balanced structural rearrangements, or "
    "methylation defects. The analysis covers the genes of the stated panel versions (or the whole genome where "
    "stated); a gene not on the panel has not been evaluated. The absence of a reported variant does not exclude "
    "a genetic cause. Classifications reflect the evidence at the date of signing and may change."
)
FOOTER = "This report is confidential patient information."
