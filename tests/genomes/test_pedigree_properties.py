"""Property-based tests (hypothesis) of the PED reader: any text becomes a pedigree or a PedigreeError naming
the file, line and field; never another exception."""
from hypothesis import given, settings
from hypothesis import strategies as st

from genomes.pedigree import PedigreeError, parse_ped

EXAMPLES = 500

cells = st.one_of(st.text(max_size=12), st.sampled_from(["0", "-9", "1", "2", "-1", "None", "F1", "A", "B", ""]))
lines = st.lists(cells, min_size=0, max_size=8).map("\t".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(text=st.lists(st.one_of(lines, st.sampled_from(["#family\tindividual\tfather\tmother\tsex\tphenotype",
                                                       "F1\tA\t0\t0\t1\t2", "F1\tB\tA\t0\t2\t1"])),
                     max_size=10).map("\n".join))
def test_any_text_is_a_pedigree_or_an_error_naming_file_line_and_field(text):
    try:
        pedigree = parse_ped(text, source="family.ped")
    except PedigreeError as error:
        assert error.source == "family.ped" and error.problem
    else:
        ids = [person.individual_id for person in pedigree.individuals]
        assert len(ids) == len(set(ids))
