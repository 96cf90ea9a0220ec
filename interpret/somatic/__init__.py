"""Molecular tumor board: the somatic view of tumour cases (cancer gene roles, hotspots, tiers, germline
predisposition flags), oncogenicity classification, the biomarker knowledge table and board meetings."""
