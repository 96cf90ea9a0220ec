"""Looking variants up in the national store by position, region, rsID, gene and HGVS; aggregates for every
member, the cases carrying a variant only for their own departments; the same answer from the page, the API
and ``manage.py variant_lookup --json``."""
import json
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEvent, Role
from core.tokens import api_token_create
from genomes.variant_search import SearchError
from interpret.classification.models import Classification
from interpret.national.lookup import variant_lookup
from tests.factories import make_user
from tests.genomes.importing.test_import_case import import_case, write_ped
from tests.processes import ROOT, process_env

CONTIGS = "".join(f"##contig=<ID=chr{c},length={n}>\n" for c, n in [("1", 248956422), ("X", 156040895)])


def write_vcf(tmp_path, name, samples, records):
    lines = ["##fileformat=VCFv4.2\n", CONTIGS, '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples) + "\n"]
    for chrom, pos, rsid, ref, alt, *genotypes in records:
        lines.append(f"{chrom}\t{pos}\t{rsid}\t{ref}\t{alt}\t50\tPASS\t.\tGT\t" + "\t".join(genotypes) + "\n")
    path = tmp_path / name
    path.write_text("".join(lines))
    return path


AGRN_SNV = ("chr1", 1051352, "rs1000001", "G", "A")          # ENST00000379370:c.5353G>A, p.Asp1785Asn
AGRN_DEL = ("chr1", 1051360, ".", "CAGA", "C")               # an in-frame deletion in the same exon


@pytest.fixture
def store(dept_a, dept_b, tmp_path):
    """The AGRN variant in a trio of department A and a singleton of department B."""
    trio = write_vcf(tmp_path, "a.vcf", ["P", "F", "M"], [(*AGRN_SNV, "0/1", "0/1", "0/0"),
                                                         (*AGRN_DEL, "0/1", "0/0", "0/0")])
    a, job = import_case(dept_a, write_ped(tmp_path, "FA\tP\tF\tM\t1\t2\nFA\tF\t0\t0\t1\t1\nFA\tM\t0\t0\t2\t1\n",
                                           "a.ped"), trio, case_identifier="LOOKUP-A")
    assert job.state == "done", job.error
    single = write_vcf(tmp_path, "b.vcf", ["S"], [(*AGRN_SNV, "1/1")])
    b, job = import_case(dept_b, write_ped(tmp_path, "FB\tS\t0\t0\t2\t2\n", "b.ped"), single,
                         case_identifier="LOOKUP-B", group="NEURO")
    assert job.state == "done", job.error
    return a.case, b.case


def final(variant_id, department, result_class):
    return Classification.objects.create(
        variant_id=variant_id, gene="AGRN", condition="CMS8", department=department, status="final",
        rule_set="ACMG/AMP 2015", rule_set_version="1", result_class=result_class, result_system="points",
        criteria={"PM2": {"decision": "applied", "strength": "supporting"}})


@pytest.mark.django_db
def test_every_kind_of_query_finds_the_variant(store, alice):
    by = {}
    for query in ("chr1:1051352 G>A", "1-1051352-G-A", "1:1,051,352", "rs1000001", "ENST00000379370.2:c.5353G>A",
                  "ENST00000379370:c.5353G>A", "1:1051000-1052000", "AGRN"):
        answer = variant_lookup(query=query, build="GRCh38", user=alice)
        by[query] = {v["variant"]: v["match"] for v in answer["variants"]}
        assert "GRCh38-1-1051352-G-A" in by[query], (query, answer)
    assert by["ENST00000379370:c.5353G>A"] == {"GRCh38-1-1051352-G-A": "exact"}
    assert set(by["AGRN"]) == {"GRCh38-1-1051352-G-A", "GRCh38-1-1051360-CAGA-C"}
    # p. finds the codon's change; this file carries no annotation to confirm the protein change, and says so
    codon = variant_lookup(query="AGRN:p.Asp1785Asn", build="GRCh38", user=alice)
    assert [(v["variant"], v["match"]) for v in codon["variants"]] == [
        ("GRCh38-1-1051352-G-A", "at the codon; protein change not annotated")]
    # c.5362_5364del: the three bases after the anchor at 1051360 (c.5361)
    deletion = variant_lookup(query="AGRN:c.5362_5364del", build="GRCh38", user=alice)
    assert [(v["variant"], v["match"]) for v in deletion["variants"]] == [
        ("GRCh38-1-1051360-CAGA-C", "exact position and length (bases not stated)")]
    assert variant_lookup(query="AGRN:c.5362_5364delAGA", build="GRCh38", user=alice)["variants"][0]["match"] == "exact"
    # the same deletion written one base to the right, as HGVS's 3' rule would in a repeat: found, and said so
    assert variant_lookup(query="AGRN:c.5363_5365delGAA", build="GRCh38",
                          user=alice)["variants"][0]["match"] == "shifted within a repeat"
    assert variant_lookup(query="AGRN:c.5362_5364delTTT", build="GRCh38", user=alice)["variants"] == []
    with pytest.raises(SearchError, match="not a gene of the configured gene models"):
        variant_lookup(query="NOSUCHGENE1", build="GRCh38", user=alice)


@pytest.mark.django_db
def test_aggregates_for_every_member_and_cases_only_for_their_own_department(store, alice, bob, rita, dept_a,
                                                                            dept_b):
    case_a, case_b = store
    seen = {}
    for user in (alice, bob, rita):
        answer = variant_lookup(query="chr1:1051352 G>A", build="GRCh38", user=user)
        (variant,) = answer["variants"]
        germline = variant["observations"]["germline"]
        assert (germline["families"], germline["het"], germline["hom"], germline["allele_count"]) == (2, 2, 1, 4)
        assert {g["patient_group"] for g in germline["by_patient_group"]} == {"RARE", "NEURO"}
        seen[user.username] = [c["identifier"] for c in variant["your_cases"]]
    assert seen == {"alice": ["LOOKUP-A"], "bob": ["LOOKUP-B"], "rita": []}
    audit = AuditEvent.objects.filter(object_type="variant_lookup", username="alice").latest("timestamp")
    assert audit.action == "view" and audit.details["cases_shown"] == [case_a.pk]
    outsider = make_user("outsider")
    with pytest.raises(PermissionDenied):
        variant_lookup(query="rs1000001", build="GRCh38", user=outsider)

    # every department's final classifications, and their conflict
    variant_id = variant["id"]
    final(variant_id, dept_a, "likely_pathogenic")
    final(variant_id, dept_b, "uncertain_significance")
    answer = variant_lookup(query="rs1000001", build="GRCh38", user=rita)["variants"][0]
    assert {(c["department"], c["class"]) for c in answer["classifications"]} == {
        ("kg-a", "likely_pathogenic"), ("kg-b", "uncertain_significance")}
    assert answer["conflict"] is True


@pytest.mark.django_db
def test_the_page_and_the_api_answer_with_the_lookup(store, client, alice, bob):
    client.force_login(alice)
    page = client.get("/variants/search/", {"q": "ENST00000379370:c.5353G>A"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "GRCh38-1-1051352-G-A" in text and "LOOKUP-A" in text and "LOOKUP-B" not in text
    assert "2 families" in text
    bad = client.get("/variants/search/", {"q": "AGRN:c.banana"})
    assert "not HGVS notation" in bad.content.decode()
    client.logout()
    _, secret = api_token_create(user=bob, name="batch", department_codes=["kg-b"])
    answer = client.get("/api/variants/lookup/", {"q": "rs1000001"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    assert [c["identifier"] for c in answer.json()["variants"][0]["your_cases"]] == ["LOOKUP-B"]
    refused = client.get("/api/variants/lookup/", {"q": "rs1000001"})
    assert refused.status_code in (401, 403)
    unclear = client.get("/api/variants/lookup/", {"q": "???"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert unclear.status_code == 400 and "not understood" in unclear.json()["q"][0]


@pytest.mark.django_db(transaction=True)
def test_the_command_prints_the_json_contract(dept_a, dept_b, tmp_path):
    alice = make_user("lookup-alice", department=dept_a, role=Role.CLINICAL_GENETICIST)
    trio = write_vcf(tmp_path, "c.vcf", ["S"], [(*AGRN_SNV, "0/1")])
    import_case(dept_a, write_ped(tmp_path, "FC\tS\t0\t0\t1\t2\n", "c.ped"), trio, case_identifier="LOOKUP-CMD")
    done = subprocess.run([sys.executable, "manage.py", "variant_lookup", "AGRN:c.5353G>A", "--json", "--user",
                           alice.username], cwd=ROOT, env=process_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["kind"] == "hgvs" and answer["target"]["strand"] == "+"
    (variant,) = answer["variants"]
    assert variant["variant"] == "GRCh38-1-1051352-G-A" and variant["rsid"] == "rs1000001"
    assert variant["observations"]["germline"]["families"] == 1
    assert [c["identifier"] for c in variant["your_cases"]] == ["LOOKUP-CMD"]
    refused = subprocess.run([sys.executable, "manage.py", "variant_lookup", "AGRN:c.banana", "--user",
                              alice.username], cwd=ROOT, env=process_env(), capture_output=True, text=True)
    assert refused.returncode == 1 and "not HGVS notation" in refused.stderr


@pytest.mark.django_db
def test_which_cases_carry_a_variant_is_read_like_variant_rows(store, alice, dept_a, settings):
    """More carrying cases at once than a page shows is an export: refused without an export role, audited as
    an export with its row count for a geneticist."""
    settings.VIEW_PAGE_ROWS = 0
    tina = make_user("lookup-tina", department=dept_a, role=Role.TUMOR_BOARD_MEMBER)
    with pytest.raises(PermissionDenied, match="is an export"):
        variant_lookup(query="rs1000001", build="GRCh38", user=tina)
    variant_lookup(query="rs1000001", build="GRCh38", user=alice)
    export = AuditEvent.objects.filter(username="alice", object_type="variant_lookup", action="export").get()
    assert export.details["rows"] == 1


@pytest.mark.django_db
def test_a_batch_script_past_its_rate_gets_429(store, client, bob, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_CALLS_PER_MINUTE_PER_USER = 2
    _, secret = api_token_create(user=bob, name="fast", department_codes=["kg-b"])
    answers = [client.get("/api/variants/lookup/", {"q": "rs1000001"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
               for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429] and answers[2].has_header("Retry-After")
