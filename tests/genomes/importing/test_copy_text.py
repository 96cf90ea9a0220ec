def test_copy_text_escapes_what_postgresql_copy_text_format_requires():
    from genomes.importing.copy_text import _array_literal, _copy_text

    assert _copy_text(None) == "\\N" and _copy_text(True) == "t" and _copy_text(0.25) == "0.25"
    assert _copy_text("a\tb\\c\nd") == "a\\tb\\\\c\\nd"
    assert _array_literal([1, None, -1]) == "{1,NULL,-1}"
    assert _array_literal(['BRCA1', 'NULL', 'a,b', 'q"x']) == '{"BRCA1","NULL","a,b","q\\"x"}'
    assert _copy_text(['x\\y']) == '{"x\\\\\\\\y"}'  # array escaping, then COPY escaping


def test_staging_line_formats_each_column_as_the_generic_copy_text_would():
    """staging_line is hand-specialised per column for speed; _copy_text is the plain rule it must equal."""
    import json
    import uuid

    from genomes.importing.copy_text import _copy_text, staging_line
    from genomes.variant_identity import key_digest, xpos

    plain = ("1", 12345, "A", "G", "snv", "PASS", 50.5, "rs1", ["BRCA1", "X-1"], ["ENSG1"], ["missense_variant"],
             "missense_variant", "MODERATE", True, 0.001, None, [], 21.5, None, 0.12,
             [{"gene": "BRCA1", "consequences": ["missense_variant"], "canonical": True}],
             [1, 0, -1], [99, None, 20], [30, -1, 12], [15, None, 6], [15, None, 6], [0.5, None, 0.5], 2, None)
    tricky = ("X", 7, "AC", "A", "del", "q10;Low\tQ", None, "", ['a"b', "c\\d", "NULL", "e,f"], [], [],
              "", "", False, None, 0.2, ["pathogenic", "risk factor"], None, 3.0, None,
              [{"gene": 'G"1', "hgvsp": "p.(Arg1\\Ter)", "consequences": []}],
              [2], [None], [-1], [None], [None], [None], None, ["1/2", "0/2", "./."])
    for row in (plain, tricky):
        values = [uuid.UUID(key_digest("GRCh38", row[0], row[1], row[2], row[3])), xpos(row[0], row[1]),
                  *row[:20], json.dumps(row[20], separators=(",", ":")), *row[21:]]
        expected = "7\t" + "\t".join(_copy_text(v) for v in values) + "\n"
        assert staging_line("GRCh38", row, "7\t") == expected
