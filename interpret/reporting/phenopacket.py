"""A case as a GA4GH Phenopacket v2 (the `phenopackets` package's protobuf schema): the proband, HPO terms from the
case notes, and the findings of its latest signed report (variant, gene, HGVS, zygosity, ACMG class, disease).
Exported as JSON; reading it back through the schema (json_format.Parse) validates it."""
from __future__ import annotations

import re

import phenopackets as pps
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from genomes.hpo import ontology_version, term_label
from genomes.models import PhenotypeTerm
from interpret.acmg.classes import PATHOGENIC_CLASSES
from interpret.reporting.models import Report
from interpret.workflow.models import CaseNote

ZYGOSITY = {"heterozygous": ("GENO:0000135", "heterozygous"), "homozygous": ("GENO:0000136", "homozygous"),
            "hemizygous": ("GENO:0000134", "hemizygous")}
ACMG = {"pathogenic": pps.PATHOGENIC, "likely_pathogenic": pps.LIKELY_PATHOGENIC,
        "uncertain_significance": pps.UNCERTAIN_SIGNIFICANCE, "likely_benign": pps.LIKELY_BENIGN,
        "benign": pps.BENIGN}
CURIE_IN_TEXT = re.compile(r"\b(?:MONDO|OMIM|MIM|ORPHA|Orphanet|DOID|NCIT|HP):\d+\b")


def case_phenopacket(case, *, created_by: str) -> pps.Phenopacket:
    individuals = {i.individual_id: i for i in case.individuals.all()}
    proband = next((i for i in individuals.values() if i.is_proband), None) or next(iter(individuals.values()), None)
    sex = {"male": pps.Sex.MALE, "female": pps.Sex.FEMALE}.get(proband.sex if proband else "", pps.Sex.UNKNOWN_SEX)
    subject_id = proband.individual_id if proband else case.identifier
    packet = pps.Phenopacket(id=f"{case.identifier}", subject=pps.Individual(id=subject_id, sex=sex))
    # The proband's recorded terms (observed and excluded, with onset where given), then the terms case notes name
    # that are not among them
    recorded = list(PhenotypeTerm.objects.filter(individual=proband).order_by("excluded", "term_id")) \
        if proband else []
    for term in recorded:
        feature = pps.PhenotypicFeature(type=pps.OntologyClass(id=term.term_id, label=term.label),
                                        excluded=term.excluded)
        if term.onset:
            feature.description = f"onset: {term.onset}"
        packet.phenotypic_features.append(feature)
    named = {t.term_id for t in recorded}
    terms = sorted({t for note in CaseNote.objects.filter(case=case) for t in note.hpo_terms} - named)
    for term in terms:
        packet.phenotypic_features.append(pps.PhenotypicFeature(type=pps.OntologyClass(
            id=term, label=term_label(term) or "term not in the HPO version used")))
    report = case.reports.filter(status=Report.Status.SIGNED).order_by("-version").first()
    if report is not None:
        findings = [v for v in report.facts.get("variants", []) if "missing" not in v]
        structural = [v for v in report.facts.get("structural_variants", []) if "missing" not in v]
        mt_findings = [m for m in (report.facts.get("mitochondrial") or {}).get("findings", [])
                       if m.get("classification")]
        solved = any((v.get("classification") or {}).get("code") in PATHOGENIC_CLASSES
                     for v in findings + structural + mt_findings)
        interpretation = pps.Interpretation(
            id=f"{case.identifier}-report-v{report.version}",
            progress_status=pps.Interpretation.ProgressStatus.SOLVED if solved
            else pps.Interpretation.ProgressStatus.UNSOLVED)
        condition = next(((v.get("classification") or {}).get("condition") for v in findings + structural
                          + mt_findings if v.get("classification")), "")
        diagnosis = pps.Diagnosis(disease=_disease(condition))
        for number, finding in enumerate(findings):
            diagnosis.genomic_interpretations.append(_genomic_interpretation(case, subject_id, number, finding))
        for number, finding in enumerate(structural):
            diagnosis.genomic_interpretations.append(_structural_interpretation(case, subject_id, number, finding))
        repeats = [r for r in (report.facts.get("repeat_expansions") or {}).get("findings", [])
                   if any(p["individual"] == subject_id and p["status"] == "full mutation" for p in r["people"])]
        for number, finding in enumerate(repeats):
            diagnosis.genomic_interpretations.append(_repeat_interpretation(case, subject_id, number, finding))
        mitochondrial = [m for m in (report.facts.get("mitochondrial") or {}).get("findings", [])
                         if m.get("classification") and (m.get("levels") or {}).get(subject_id) is not None]
        for number, finding in enumerate(mitochondrial):
            diagnosis.genomic_interpretations.append(
                _mitochondrial_interpretation(case, subject_id, number, finding))
        interpretation.diagnosis.CopyFrom(diagnosis)
        packet.interpretations.append(interpretation)
    created = Timestamp()
    created.GetCurrentTime()
    packet.meta_data.CopyFrom(pps.MetaData(
        created=created, created_by=created_by, phenopacket_schema_version="2.0",
        resources=[pps.Resource(id="hp", name="human phenotype ontology", namespace_prefix="HP",
                                url="http://purl.obolibrary.org/obo/hp.owl", version=ontology_version(),
                                iri_prefix="http://purl.obolibrary.org/obo/HP_"),
                   pps.Resource(id="so", name="Sequence types and features ontology", namespace_prefix="SO",
                                url="http://purl.obolibrary.org/obo/so.obo", version="unknown",
                                iri_prefix="http://purl.obolibrary.org/obo/SO_"),
                   pps.Resource(id="geno", name="Genotype Ontology", namespace_prefix="GENO",
                                url="http://purl.obolibrary.org/obo/geno.owl", version="unknown",
                                iri_prefix="http://purl.obolibrary.org/obo/GENO_")]))
    return packet


def _disease(condition: str):
    """The classification's condition as the diagnosis: coded by the ontology id it names (MONDO:0011241,
    OMIM:610282, ORPHA:791, alone or in brackets after its name); a condition named in words only keeps its
    words and no code, rather than a code for "disease" that says nothing."""
    condition = (condition or "").strip()
    found = CURIE_IN_TEXT.search(condition)
    if found is None:
        return pps.OntologyClass(id="", label=condition or "not stated")
    label = (condition[:found.start()] + condition[found.end():]).strip(" ()[],;") or found.group(0)
    return pps.OntologyClass(id=found.group(0), label=label)


def _genomic_interpretation(case, subject_id: str, number: int, finding: dict):
    chrom, pos, ref, alt = finding["label"].split("-", 3)
    descriptor = pps.VariationDescriptor(
        id=f"{case.identifier}-variant-{number + 1}",
        vcf_record=pps.VcfRecord(genome_assembly=finding.get("genome_build") or case.genome_build, chrom=chrom,
                                 pos=int(pos), ref=ref, alt=alt))
    if finding.get("gene"):
        descriptor.gene_context.CopyFrom(pps.GeneDescriptor(value_id=f"symbol:{finding['gene']}",
                                                            symbol=finding["gene"]))
    for syntax, key in (("hgvs.c", "hgvsc"), ("hgvs.p", "hgvsp")):
        if finding.get(key):
            descriptor.expressions.append(pps.Expression(syntax=syntax, value=finding[key]))
    if finding.get("zygosity") in ZYGOSITY:
        term, label = ZYGOSITY[finding["zygosity"]]
        descriptor.allelic_state.CopyFrom(pps.OntologyClass(id=term, label=label))
    return _classified(subject_id, descriptor, (finding.get("classification") or {}).get("code"))


def _classified(subject_id: str, descriptor, class_code: str | None):
    """A finding's interpretation by its final class (the ACMG five): causative when (likely) pathogenic."""
    variant = pps.VariantInterpretation(
        acmg_pathogenicity_classification=ACMG.get(class_code, pps.NOT_PROVIDED), variation_descriptor=descriptor)
    status = (pps.GenomicInterpretation.InterpretationStatus.CAUSATIVE if class_code in PATHOGENIC_CLASSES
              else pps.GenomicInterpretation.InterpretationStatus.CANDIDATE)
    return pps.GenomicInterpretation(subject_or_biosample_id=subject_id, interpretation_status=status,
                                     variant_interpretation=variant)


STRUCTURAL_TYPES = {"DEL": ("SO:0000159", "deletion"), "DUP": ("SO:1000035", "duplication"),
                    "INV": ("SO:1000036", "inversion"), "INS": ("SO:0000667", "insertion"),
                    "BND": ("SO:1000184", "translocation"), "CNV": ("SO:0001019", "copy_number_variation")}


def _structural_interpretation(case, subject_id: str, number: int, finding: dict):
    """A reported structural or copy-number call: its HGVS-style and ISCN-style descriptions as expressions, its
    type from the Sequence Ontology, and its CNV classification (the ACMG five classes)."""
    descriptor = pps.VariationDescriptor(id=f"{case.identifier}-structural-variant-{number + 1}",
                                         label=finding.get("location", ""))
    if len(finding.get("genes") or []) == 1:
        gene = finding["genes"][0]
        descriptor.gene_context.CopyFrom(pps.GeneDescriptor(value_id=f"symbol:{gene}", symbol=gene))
    for syntax, key in (("hgvs", "hgvs"), ("iscn", "iscn")):
        if finding.get(key):
            descriptor.expressions.append(pps.Expression(syntax=syntax, value=finding[key]))
    if finding.get("svtype") in STRUCTURAL_TYPES:
        term, label = STRUCTURAL_TYPES[finding["svtype"]]
        descriptor.structural_type.CopyFrom(pps.OntologyClass(id=term, label=label))
    if finding.get("zygosity") in ZYGOSITY:
        term, label = ZYGOSITY[finding["zygosity"]]
        descriptor.allelic_state.CopyFrom(pps.OntologyClass(id=term, label=label))
    return _classified(subject_id, descriptor, (finding.get("classification") or {}).get("code"))


def _repeat_interpretation(case, subject_id: str, number: int, finding: dict):
    """A repeat locus where the subject has a full mutation: the locus, gene, motif and allele sizes as the label
    and an expression; a candidate (the report's classification is the geneticist's, in the conclusion)."""
    alleles = next(p["alleles"] for p in finding["people"] if p["individual"] == subject_id)
    text = f"{finding['locus']} ({finding.get('motif') or 'repeat'})n {'/'.join(str(a) for a in alleles)}"
    descriptor = pps.VariationDescriptor(id=f"{case.identifier}-repeat-{number + 1}", label=text,
                                         description=f"{finding.get('disease', '')}: full mutation at or above "
                                                     f"{finding.get('pathologic_min')} repeat units")
    descriptor.gene_context.CopyFrom(pps.GeneDescriptor(value_id=f"symbol:{finding['gene']}", symbol=finding["gene"]))
    descriptor.expressions.append(pps.Expression(syntax="repeat_units", value=text))
    descriptor.structural_type.CopyFrom(pps.OntologyClass(id="SO:0002162", label="short_tandem_repeat_expansion"))
    return pps.GenomicInterpretation(
        subject_or_biosample_id=subject_id,
        interpretation_status=pps.GenomicInterpretation.InterpretationStatus.CANDIDATE,
        variant_interpretation=pps.VariantInterpretation(variation_descriptor=descriptor))


def _mitochondrial_interpretation(case, subject_id: str, number: int, finding: dict):
    """A classified mitochondrial allele the subject carries: its m. HGVS, gene, and homoplasmy or heteroplasmy
    (GENO) with the level in the description; interpreted by its final class."""
    level = finding["levels"][subject_id]
    descriptor = pps.VariationDescriptor(id=f"{case.identifier}-mitochondrial-{number + 1}", label=finding["hgvs"],
                                         description=f"heteroplasmy {level:g} in {subject_id}")
    gene = (finding.get("gene") or "").split(",")[0]
    if gene:
        descriptor.gene_context.CopyFrom(pps.GeneDescriptor(value_id=f"symbol:{gene}", symbol=gene))
    descriptor.expressions.append(pps.Expression(syntax="hgvs", value=finding["hgvs"]))
    state = ("GENO:0000602", "homoplasmic") if level >= 0.95 else ("GENO:0000603", "heteroplasmic")
    descriptor.allelic_state.CopyFrom(pps.OntologyClass(id=state[0], label=state[1]))
    return _classified(subject_id, descriptor, (finding.get("classification") or {}).get("code"))


def phenopacket_json(packet) -> str:
    return json_format.MessageToJson(packet, preserving_proto_field_name=False)
