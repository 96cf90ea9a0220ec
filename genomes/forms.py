from django import forms

from core.models import Department, PatientGroup
from genomes.models import Case


class CaseImportForm(forms.Form):
    patient_group = forms.ModelChoiceField(PatientGroup.objects.order_by("number"), to_field_name="code")
    department = forms.ModelChoiceField(Department.objects.none(), to_field_name="code")
    pedigree = forms.FileField(help_text="PED file: family, individual, father, mother, sex, phenotype")
    vcf = forms.FileField(label="VCF", help_text="VEP- or SnpEff-annotated VCF, plain, gzip or bgzip")
    sv_vcf = forms.FileField(label="Structural-variant VCF", required=False,
                             help_text="Optional: the same samples' SV or CNV calls (Manta, DELLY, GATK-SV, gCNV, "
                                       "CNVkit, DRAGEN, MELT)")
    str_vcf = forms.FileField(label="Repeat-expansion VCF", required=False,
                              help_text="Optional: ExpansionHunter (raw or stranger-annotated) or TRGT calls")
    mt_vcf = forms.FileField(label="Mitochondrial VCF", required=False,
                             help_text="Optional: Mutect2 (mitochondria mode), HmtNote or mtDNA-Server calls; "
                                       "without it, the main VCF's chrM records are read")
    alignments = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Alignment files",
        help_text="Optional: one INDIVIDUAL=PATH per line, a BAM or CRAM on the server (its index beside it) under "
                  "the folders the platform allows; read in place for the read view, never copied")
    case_identifier = forms.CharField(required=False, max_length=64, help_text="Default: the pedigree's family id")
    build = forms.ChoiceField(
        required=False, choices=[("", "from the VCF header"), ("GRCh37", "GRCh37"), ("GRCh38", "GRCh38")]
    )
    analysis_type = forms.ChoiceField(required=False, choices=[("", "from the pedigree"), *Case.AnalysisType.choices])
    sample_map = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="One INDIVIDUAL=VCF_SAMPLE per line, where the names differ")
    tumour_type = forms.CharField(required=False, max_length=60,
                                  help_text="Tumour cases: the tumour type (e.g. AML), by which somatic observations "
                                            "are counted nationally")
    callable_mb = forms.FloatField(required=False, min_value=0.001, max_value=3500, label="Callable territory (Mb)",
                                   help_text="Tumour cases: callable coding megabases, the TMB denominator")
    tumour_purity = forms.FloatField(required=False, min_value=0.01, max_value=1,
                                     help_text="Tumour cases: tumour cell fraction, 0-1")
    replace = forms.BooleanField(required=False, help_text="Replace the case's variants (atomically)")

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(pk__in=[d.pk for d in departments])
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def clean_sample_map(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["sample_map"].splitlines(), start=1):
            if not line.strip():
                continue
            individual, sep, sample = line.partition("=")
            if not sep or not individual.strip() or not sample.strip():
                raise forms.ValidationError(f"line {number}: {line!r} is not INDIVIDUAL=VCF_SAMPLE")
            mapping[individual.strip()] = sample.strip()
        return mapping
