import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from genomes.synthetic import CohortSpec, generate_cohort
from genomes.variant_identity import VariantIdentityError, parse_build


class Command(BaseCommand):
    help = ("Write a SYNTHETIC cohort of VEP-style annotated family VCFs (trios or foetus with parents) with planted "
            "causal variants listed in truth.tsv, for tests and benchmarks.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="output folder")
        parser.add_argument(
            "--gtf", action="append", required=True, help="Ensembl GTF for transcript models; repeatable"
        )
        parser.add_argument("--build", default="GRCh38")
        parser.add_argument("--families", type=int, default=1)
        parser.add_argument("--kind", choices=["trio", "foetal"], default="trio")
        parser.add_argument("--records", type=int, default=10_000, help="records per family VCF")
        parser.add_argument("--rare-only", action="store_true", help="only sites a 5%% popmax retention keeps")
        parser.add_argument("--contamination", type=float, default=0.0, help="foetal: maternal DNA fraction")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--gene-copies", action="store_true",
                            help="benchmarks only: tile labelled copies of the GTF's genes over the genome (a real "
                                 "genome's load of coding variants; X-linked families); no real genome has them")

    def handle(self, *args, **options):
        try:
            build = parse_build(options["build"])
        except VariantIdentityError as exc:
            raise CommandError(str(exc)) from None
        if not 0 <= options["contamination"] < 0.5:
            raise CommandError("--contamination must be between 0 and 0.5")
        spec = CohortSpec(
            out_dir=Path(options["out"]), gtf_paths=[Path(p) for p in options["gtf"]], build=build,
            families=options["families"], kind=options["kind"], records=options["records"],
            rare_only=options["rare_only"], seed=options["seed"], contamination=options["contamination"],
            cache_dir=settings.DATA_DIR / "pyensembl", gene_copies=options["gene_copies"],
        )
        self.stdout.write(json.dumps(generate_cohort(spec)))
