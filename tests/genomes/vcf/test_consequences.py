from genomes.vcf.consequences import highest_impact, worst_consequence


def test_worst_consequence_and_impact():
    assert worst_consequence(["intron_variant", "missense_variant", "splice_region_variant"]) == "missense_variant"
    assert worst_consequence(["some_future_term", "intron_variant"]) == "intron_variant"
    assert worst_consequence(["conservative_inframe_deletion", "stop_gained"]) == "stop_gained"
    assert highest_impact(["MODIFIER", "LOW", "HIGH"]) == "HIGH"


def test_one_vocabulary_knows_the_names_other_annotators_use():
    from genomes.vcf.consequences import (
        CODING_NON_SYNONYMOUS,
        IN_FRAME,
        LOSS_OF_FUNCTION,
        MISSENSE_LIKE,
        PROTEIN_LENGTH_CHANGING,
        RANKED_CONSEQUENCES,
        SPLICE,
        START_LOSS,
    )

    snpeff_in_frame = {"disruptive_inframe_deletion", "conservative_inframe_deletion",
                       "disruptive_inframe_insertion", "conservative_inframe_insertion"}
    assert snpeff_in_frame <= IN_FRAME <= PROTEIN_LENGTH_CHANGING and IN_FRAME <= CODING_NON_SYNONYMOUS
    assert {"exon_loss_variant", "start_lost", "stop_gained", "splice_donor_variant"} <= LOSS_OF_FUNCTION
    assert "initiator_codon_variant" in START_LOSS  # older VEP's name for start_lost
    assert "splice_region_variant" in SPLICE and "missense_variant" in MISSENSE_LIKE
    assert not IN_FRAME & LOSS_OF_FUNCTION and "synonymous_variant" not in CODING_NON_SYNONYMOUS
    # every term a group names is ranked, so none falls to "unknown" severity
    ranked = {term for term, _ in RANKED_CONSEQUENCES}
    assert (LOSS_OF_FUNCTION | PROTEIN_LENGTH_CHANGING | MISSENSE_LIKE | SPLICE | CODING_NON_SYNONYMOUS) <= ranked
    # a legacy name sits beside its equivalent in the severity order, not at the end
    assert worst_consequence(["intron_variant", "initiator_codon_variant"]) == "initiator_codon_variant"


def test_rules_read_the_vocabulary_not_their_own_sets():
    """No module outside genomes/vcf/consequences.py spells out a group of consequence terms."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    group = re.compile(r"[{(\[]\s*\"(?:[a-z0-9_]+_variant|stop_gained|start_lost|stop_lost|transcript_ablation)\"\s*,"
                       r"\s*\"[a-z0-9_]+(?:_variant|_gained|_lost|_ablation)\"")
    offenders = [str(path.relative_to(root)) for package in ("core", "genomes", "panels", "interpret")
                 for path in (root / package).rglob("*.py")
                 if "migrations" not in path.parts and path.name not in ("consequences.py", "synthetic.py",
                                                                        "transcript_models.py")
                 and group.search(path.read_text())]
    assert offenders == []
