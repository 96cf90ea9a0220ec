"""One rule for the transcript a variant is shown by (genomes.transcripts.shown_transcript)."""
from genomes.transcripts import shown_transcript, transcripts_in_display_order

# The demo's planted variant at 1:979415: downstream of PLEKHN1 (whose transcript is MANE Select and canonical,
# and listed first by VEP) and a stop gained in two PERM1 transcripts.
PLEKHN1 = {"gene": "PLEKHN1", "transcript": "ENST00000379410", "consequences": ["downstream_gene_variant"],
           "impact": "MODIFIER", "mane_select": "NM_032129.3", "canonical": True}
PERM1_CANONICAL = {"gene": "PERM1", "transcript": "ENST00000433179", "consequences": ["stop_gained"],
                   "impact": "HIGH", "canonical": True, "hgvsc": "ENST00000433179:c.1615G>T",
                   "hgvsp": "ENSP00000414022:p.Glu539Ter"}
PERM1_OTHER = {"gene": "PERM1", "transcript": "ENST00000341290", "consequences": ["stop_gained"], "impact": "HIGH",
               "hgvsc": "ENST00000341290:c.1273G>T", "hgvsp": "ENSP00000343864:p.Glu425Ter"}


def test_the_transcript_whose_consequence_made_the_candidate_wins_over_another_genes_mane_select():
    shown = shown_transcript([PLEKHN1, PERM1_OTHER, PERM1_CANONICAL])
    assert shown is PERM1_CANONICAL  # the stop gained, and of PERM1's two the canonical one


def test_among_transcripts_the_filter_admits_mane_select_comes_first_then_canonical_then_pick():
    missense_mane = {"gene": "G", "transcript": "T1", "consequences": ["missense_variant"], "impact": "MODERATE",
                     "mane_select": "NM_1.1"}
    stop_other = {"gene": "G", "transcript": "T2", "consequences": ["stop_gained"], "impact": "HIGH"}
    # a filter of HIGH or MODERATE admits both: MANE Select is preferred over the more severe other transcript
    assert shown_transcript([stop_other, missense_mane], impacts=["HIGH", "MODERATE"]) is missense_mane
    # a filter of HIGH only: the stop gained made it a candidate
    assert shown_transcript([stop_other, missense_mane], impacts=["HIGH"]) is stop_other
    # a consequence filter by term works alike
    assert shown_transcript([stop_other, missense_mane], consequences=["stop_gained"]) is stop_other
    picked = {"gene": "G", "transcript": "T3", "consequences": ["stop_gained"], "impact": "HIGH", "pick": True}
    assert shown_transcript([stop_other, picked]) is picked


def test_within_the_panel_genes_when_a_panel_is_applied():
    assert shown_transcript([PLEKHN1, PERM1_CANONICAL], genes=["plekhn1"]) is PLEKHN1
    # a panel none of whose genes the variant touches leaves the choice to the rule
    assert shown_transcript([PLEKHN1, PERM1_CANONICAL], genes=["BRCA2"]) is PERM1_CANONICAL
    assert shown_transcript([]) is None


def test_the_variant_page_lists_the_shown_transcript_first():
    assert transcripts_in_display_order([PLEKHN1, PERM1_OTHER, PERM1_CANONICAL], PERM1_CANONICAL) == [
        PERM1_CANONICAL, PLEKHN1, PERM1_OTHER]
