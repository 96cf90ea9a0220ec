"""The read view (issue 29): alignment files registered per sample and read in place; only a slice of one locus
leaves the server, through the case's rights, audited; a region longer than the limit, another department's case
and a file of another person are refused; the reference comes in byte ranges."""
import tempfile
from pathlib import Path

import pysam
import pytest

from core.models import AuditEvent, Role
from genomes.models import AlignmentFile, Case
from genomes.reads import alignment_register
from tests.factories import make_department, make_user
from tests.genomes.importing.test_import_case import write_ped
from tests.genomes.sv.test_import import run

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[3] / "genomes" / "demo_data"
BAM = DEMO / "NA12878.chrM.bam"
CALLS = DEMO / "NA12878.chrM.mutect2.vcf"


@pytest.fixture
def na12878(department, tmp_path):
    ped = write_ped(tmp_path, "NA12878\tNA12878\t0\t0\t2\t2\n", "na12878.ped")
    code, outcome, err = run("import_case", "--patient-group", "NEURO", "--department", department.code, "--ped",
                             str(ped), "--vcf", str(CALLS), "--build", "GRCh38", "--wait", "--alignment",
                             f"NA12878={BAM}")
    assert code == 0, err
    assert outcome["alignments"] == [{"individual": "NA12878", "file": str(BAM.resolve())}]
    return Case.objects.get(identifier="NA12878")


def reads_in(data: bytes) -> list:
    with tempfile.NamedTemporaryFile(suffix=".bam") as handle:
        handle.write(data)
        handle.flush()
        with pysam.AlignmentFile(handle.name, "rb") as reads:
            return list(reads)


def test_the_page_gives_igv_one_track_and_the_slice_holds_only_the_locus_reads(na12878, department, client,
                                                                                settings):
    settings.READ_SLICE_FLANK = 100
    gina = make_user("gina", department=department, role=Role.CLINICAL_GENETICIST)
    client.force_login(gina)
    page = client.get(f"/cases/{na12878.pk}/reads/", {"locus": "chrM:450"})
    assert page.status_code == 200
    config = page.context["config"]
    assert config["locus"] == "chrM:350-550"  # READ_SLICE_FLANK either side
    assert config["reference"]["fastaURL"].endswith("/reads/reference.fa") and config["missing"] == []
    (track,) = config["tracks"]
    assert track["indexed"] is False and track["name"] == "NA12878"
    answer = client.get(track["url"])
    assert answer.status_code == 200
    reads = reads_in(answer.content)
    assert reads and all(r.reference_start < 550 and (r.reference_end or r.reference_start + 1) >= 350
                         for r in reads)
    every = pysam.AlignmentFile(str(BAM)).count(until_eof=True)
    assert len(reads) < every  # a slice, not the file
    assert AuditEvent.objects.filter(user=gina, object_type="read_slice", action="view").exists()
    # a locus longer than the limit is refused on the page and on the slice route
    assert client.get(f"/cases/{na12878.pk}/reads/", {"locus": "chrM:1-16000"}).status_code == 400
    too_long = client.get(track["url"].split("?")[0], {"locus": "chrM:1-16000"})
    assert too_long.status_code == 400 and b"longer than" in too_long.content
    # the reference in byte ranges, and not whole
    fasta = client.get(config["reference"]["fastaURL"], HTTP_RANGE="bytes=0-99")
    assert fasta.status_code == 206 and fasta.content.startswith(b">chrM")
    assert client.get(config["reference"]["fastaURL"]).status_code == 416
    assert client.get(config["reference"]["indexURL"]).content.startswith(b"chrM\t16569")
    # another department's geneticist reaches none of it
    client.force_login(make_user("bo", department=make_department("kg-y"), role=Role.CLINICAL_GENETICIST))
    assert client.get(f"/cases/{na12878.pk}/reads/", {"locus": "chrM:450"}).status_code == 404
    assert client.get(track["url"]).status_code == 404


def test_the_mitochondrial_tab_offers_the_reads_and_a_file_of_another_person_is_refused(na12878, department,
                                                                                        client, tmp_path):
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    html = client.get(f"/cases/{na12878.pk}/mitochondrial-variants/", {"min_heteroplasmy": "0"}).content.decode()
    assert 'data-testid="mt-view-reads"' in html and "locus=MT:302" in html
    assert client.get(f"/cases/{na12878.pk}/reads/", {"locus": "MT:302"}).context["config"]["locus"] == "chrM:1-802"
    # (500 bases either side by default, from the first base)
    ped = write_ped(tmp_path, "OTHER\tHG002\t0\t0\t1\t2\n", "other.ped")
    vcf = tmp_path / "other.vcf"
    vcf.write_text(CALLS.read_text().replace("\tNA12878\n", "\tHG002\n"))
    assert run("import_case", "--patient-group", "NEURO", "--department", department.code, "--ped", str(ped),
               "--vcf", str(vcf), "--build", "GRCh38", "--wait")[0] == 0
    code, _, err = run("register_alignment", "OTHER", "--alignment", f"HG002={BAM}")
    assert code == 1 and "reads are of NA12878, not of HG002" in err
    assert not AlignmentFile.objects.filter(sample__case__identifier="OTHER").exists()
    # from the web, only under the folders the platform allows
    from core.errors import InputFileError

    with pytest.raises(InputFileError, match="READ_ALIGNMENT_ROOTS"):
        alignment_register(case=na12878, individual="NA12878", path=str(BAM), from_the_web=True)


def test_a_cram_is_read_with_the_builds_reference_and_gives_the_same_slice_as_its_bam(na12878, department, client,
                                                                                       tmp_path, settings):
    cram = tmp_path / "NA12878.chrM.cram"
    reference = settings.READ_REFERENCES["GRCh38"]
    pysam.view("-C", "-T", reference, "-o", str(cram), str(BAM), catch_stdout=False)
    pysam.index(str(cram))
    client.force_login(make_user("gina", department=department, role=Role.CLINICAL_GENETICIST))
    page = client.get(f"/cases/{na12878.pk}/reads/", {"locus": "chrM:100-800"})
    slice_url = page.context["config"]["tracks"][0]["url"]
    from_bam = reads_in(client.get(slice_url).content)
    code, outcome, err = run("register_alignment", "NA12878", "--alignment", f"NA12878={cram}")
    assert code == 0, err
    assert outcome["alignments"][0]["format"] == "cram"
    from_cram = reads_in(client.get(slice_url).content)
    assert len(from_cram) == len(from_bam) > 1000
    assert [r.query_name for r in from_cram[:50]] == [r.query_name for r in from_bam[:50]]


def test_reads_aligned_to_the_other_build_are_refused(na12878, tmp_path):
    """A BAM whose header has GRCh37's chromosome 1 cannot be registered to a GRCh38 case: its reads would be
    drawn against the wrong reference; the same reads with GRCh38's lengths can."""
    for build, length in (("GRCh37", 249250621), ("GRCh38", 248956422)):
        path = tmp_path / f"{build}.bam"
        header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr1", "LN": length},
                                                                 {"SN": "chrM", "LN": 16569}],
                  "RG": [{"ID": "rg1", "SM": "NA12878"}]}
        with pysam.AlignmentFile(str(path), "wb", header=header):
            pass
        pysam.index(str(path))
        code, _, err = run("register_alignment", "NA12878", "--alignment", f"NA12878={path}")
        if build == "GRCh37":
            assert code == 1 and "the reads are aligned to GRCh37 (contig lengths in the header); the case is GRCh38" \
                in err, err
        else:
            assert code == 0, err
