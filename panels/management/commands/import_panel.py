"""Command-line contract for batch jobs (stable; see README):

import_panel FILE [--format panelapp|tsv] [--patient-group CODE] [--publish --signed-off-by USER]
             [--network CODE] [--author USER] [--default] [--code CODE] [--name NAME]

Prints one JSON object per imported panel on stdout (panel id, version, genes imported, unknown genes).
Bad input: exit code 1, the error (file, line, field) on stderr, nothing imported.

Every import is a new version. The author is the "panel-import" service account unless --author names a curator;
--publish signs the version off as --signed-off-by, a curator of the owning network other than the author,
because no published panel version exists without a second person's sign-off.
"""
import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from core.errors import InputFileError
from core.models import Department, PatientGroup, User
from panels.genes import configured_gene_resolver
from panels.services import PANEL_FILE_FORMATS, panel_file_import, panel_import_account, panel_owner


class Command(BaseCommand):
    help = "Import a GenNet panel from PanelApp JSON or TSV as a new version (through the same service as the API)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=PANEL_FILE_FORMATS, help="default: from the file extension")
        parser.add_argument("--patient-group", action="append", default=[], metavar="CODE",
                            help="a patient group the panel serves; repeatable")
        parser.add_argument("--default", action="store_true",
                            help="make it a default panel of the --patient-group groups")
        parser.add_argument("--network", help="code of the GenNet expert network that owns a new panel")
        parser.add_argument("--code", help="the panel's stable code (default: panelapp-<id> or from the name)")
        parser.add_argument("--name", help="the panel's name (default: from the file)")
        parser.add_argument("--author", help="username of the curator who authors the version "
                                             "(default: the panel-import service account)")
        parser.add_argument("--publish", action="store_true", help="submit and publish the new version")
        parser.add_argument("--signed-off-by", help="username of the second curator who signs off (with --publish)")

    def handle(self, *args, **options):
        try:
            groups = [PatientGroup.objects.get(code=code) for code in options["patient_group"]]
        except PatientGroup.DoesNotExist:
            codes = ", ".join(PatientGroup.objects.values_list("code", flat=True))
            return self._fail(f"--patient-group: unknown code among {options['patient_group']}; known: {codes}")
        if options["publish"] and not options["signed_off_by"]:
            return self._fail("--publish needs --signed-off-by USER: a published version is signed off by a "
                              "second curator, never by the account that imported it")
        if options["signed_off_by"] and not options["publish"]:
            return self._fail("--signed-off-by is only meaningful with --publish")
        try:
            network = self._network(options)
            author = self._user(options["author"], "--author") if options["author"] else panel_import_account(network)
            signer = self._user(options["signed_off_by"], "--signed-off-by") if options["publish"] else None
            summaries = panel_file_import(
                options["file"], fmt=options["format"], network=network, author=author, patient_groups=groups,
                default_for=groups if options["default"] else [], signed_off_by=signer, name=options["name"],
                code=options["code"] or "", resolver=configured_gene_resolver())
        except (InputFileError, ValidationError, PermissionDenied, FileNotFoundError, LookupError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return self._fail(message)
        for summary in summaries:
            self.stdout.write(json.dumps(summary))

    def _network(self, options) -> Department:
        if options["network"]:
            network = Department.objects.filter(code=options["network"], kind=Department.Kind.EXPERT_NETWORK).first()
            if network is None:
                raise LookupError(f"--network: {options['network']!r} is not a GenNet expert network; known: "
                                  f"{self._networks()}")
            return network
        existing = panel_owner(options["file"], fmt=options["format"], code=options["code"] or "")
        if existing is not None:
            return existing.network
        networks = list(Department.objects.filter(kind=Department.Kind.EXPERT_NETWORK))
        if len(networks) == 1:
            return networks[0]
        raise LookupError(f"--network: name the GenNet expert network that owns the panel; known: {self._networks()}")

    @staticmethod
    def _networks() -> str:
        return (
            ", ".join(Department.objects.filter(kind=Department.Kind.EXPERT_NETWORK).values_list("code", flat=True))
            or "(none)"
        )

    @staticmethod
    def _user(username: str, option: str):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise LookupError(f"{option}: no active user {username!r}")
        return user

    def _fail(self, message: str):
        self.stderr.write(f"import_panel: {message}")
        sys.exit(1)
