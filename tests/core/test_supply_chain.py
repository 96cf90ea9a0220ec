"""The supply chain (issue 25, item 16): the vendored front-end versions are listed in one place and match the
files, the Python dependency set is pinned with hashes, and the dependency audit says plainly when it audited
nothing."""
import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_vendored_asset_is_listed_with_the_version_its_file_says():
    listed = json.loads((ROOT / "static/vendor/VERSIONS.json").read_text())
    vendored = {p.relative_to(ROOT / "static/vendor").as_posix() for p in (ROOT / "static/vendor").rglob("*")
                if p.is_file() and p.suffix in (".js", ".css")}
    named = set()
    for name, entry in listed.items():
        if name.startswith("_"):
            continue
        assert (ROOT / "static/vendor" / name / "LICENSE").exists(), name
        for file in entry["files"]:
            named.add(file)
            assert entry["banner"] in (ROOT / "static/vendor" / file).read_text(errors="replace")[:200_000], file
    assert vendored == named  # nothing loaded that is not listed


def test_the_lock_file_pins_every_requirement_with_hashes():
    lock = (ROOT / "requirements.lock").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\]+)", lock, flags=re.MULTILINE))
    normal = {re.sub(r"[-_.]+", "-", name.split("[")[0]).lower(): version for name, version in pins.items()}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            assert normal.get(re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()) == version.strip(), line
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n", 1)[1])
    unhashed = [b.split("==")[0] for b in blocks if "==" in b and "--hash=sha256:" not in b]
    assert not unhashed, unhashed


def test_the_audit_says_plainly_when_nothing_could_be_audited(tmp_path):
    fake_bin = tmp_path / ".venv" / "bin"
    fake_bin.mkdir(parents=True)
    (fake_bin / "pip-audit").write_text("#!/bin/sh\necho 'Dependency not found on PyPI and could not be audited: a'\n"
                                        "echo 'Dependency not found on PyPI and could not be audited: b'\n"
                                        "echo 'No known vulnerabilities found'\n")
    (fake_bin / "pip-audit").chmod(0o755)
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "audit").write_text((ROOT / ".ci" / "audit").read_text())
    (tmp_path / ".ci" / "audit").chmod(0o755)
    (tmp_path / "requirements.txt").write_text("a==1\nb==2\n")
    run = subprocess.run([str(tmp_path / ".ci" / "audit")], capture_output=True, text=True)
    output = run.stdout + run.stderr
    assert "No known vulnerabilities found" not in output
    assert "NOTHING WAS AUDITED: 0 of 2 dependencies checked" in output
    strict = subprocess.run([str(tmp_path / ".ci" / "audit")], capture_output=True, text=True,
                            env={"PIP_AUDIT_REQUIRED": "1", "PATH": "/usr/bin:/bin"})
    assert strict.returncode == 1
