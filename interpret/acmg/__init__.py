"""ACMG/AMP germline classification: criteria, combiners, expert-panel specifications, suggestions.

Plain modules: nothing here touches the database, so every rule is unit-tested on its own.
Sources: Richards et al. 2015 (Genet Med 17:405), Tavtigian et al. 2018/2020 (points), the
ClinGen Sequence Variant Interpretation (SVI) recommendations.
"""
