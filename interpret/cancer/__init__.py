"""Cancer knowledge and somatic interpretation rules, below analysis and classification: the cancer gene list and
hotspots (knowledge.py), oncogenicity criteria and their facts (oncogenicity.py, facts.py), the biomarker knowledge
table and AMP/ASCO/CAP tiers (biomarkers.py), and a tumour case's per-call somatic facts (analysis.py). The tumor
board's pages and meetings (interpret.tumor_board) build on them."""
