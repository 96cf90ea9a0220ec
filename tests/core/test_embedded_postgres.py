"""The embedded PostgreSQL starts on demand and stops with the last process that used it."""
import json
import subprocess
import sys
import textwrap
import time

import psutil

from tests.processes import ROOT

USE_SERVER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from core.embedded_postgres import embedded_database_url, embedded_server
    import psycopg
    url = embedded_database_url(Path(sys.argv[1]))
    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    print(json.dumps({"postmaster": embedded_server(Path(sys.argv[1])).get_pid(), "version": version, "url": url}))
""")


def postmaster_gone(pid, timeout=10):
    """True once the process has exited (a zombie awaiting its reaper counts as exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def use_server(data_dir):
    result = subprocess.run([sys.executable, "-c", USE_SERVER, str(data_dir)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_command_starts_the_embedded_server_and_leaves_nothing_running(tmp_path):
    used = use_server(tmp_path)
    assert used["version"].startswith("16")
    assert "/interpret?" in used["url"]
    assert postmaster_gone(used["postmaster"])


def test_a_handle_left_by_a_killed_process_does_not_keep_the_server_running(tmp_path):
    use_server(tmp_path)  # initialise the data folder
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "postgres" / ".handle_pids.json").write_text(json.dumps([dead.pid]))
    used = use_server(tmp_path)
    assert postmaster_gone(used["postmaster"])
