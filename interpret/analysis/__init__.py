"""Case analysis: filter settings and presets, the filter engine, inheritance modes, the ranking score, foetal
contamination, the variant table and variant page, and the geneticist's tags and comments."""
