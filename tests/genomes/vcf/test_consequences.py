from genomes.vcf.consequences import highest_impact, worst_consequence


def test_worst_consequence_and_impact():
    assert worst_consequence(["intron_variant", "missense_variant", "splice_region_variant"]) == "missense_variant"
    assert worst_consequence(["some_future_term", "intron_variant"]) == "intron_variant"
    assert worst_consequence(["conservative_inframe_deletion", "stop_gained"]) == "stop_gained"
    assert highest_impact(["MODIFIER", "LOW", "HIGH"]) == "HIGH"
