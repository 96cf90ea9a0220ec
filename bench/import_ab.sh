#!/bin/bash
# WGS trio import, side by side across commits: each commit in a git worktree with its own database, the arms
# interleaved, three rounds of `bench/import_wgs.py --records 5000000 --workers 2 --skip-stages`.
#
#   bench/import_ab.sh d7aaebb 24a9191 55389a6      (needs PostgreSQL on 127.0.0.1:5432, user postgres)
#
# Prints one line per import; docs/benchmarks.md records the medians.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=$ROOT/.venv/bin/python
WORK=${AB_DIR:-/tmp/import-ab}
mkdir -p "$WORK"
for rev in "$@"; do
  [ -d "$WORK/$rev" ] || git -C "$ROOT" worktree add -f "$WORK/$rev" "$rev" -q
  (cd "$WORK/$rev" && $PY setup.py --quiet build_ext --inplace >/dev/null 2>&1)
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ab_$rev" -c "CREATE DATABASE ab_$rev" >/dev/null
  export_env="DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ab_$rev INTERPRET_DATA_DIR=$WORK/data-$rev HTTPS=false"
  (cd "$WORK/$rev" && env $export_env $PY manage.py migrate -v0 && env $export_env $PY manage.py shell -c \
    "from core.models import Department; Department.objects.get_or_create(code='demo', defaults={'name': 'Demo'})")
done
[ -f /tmp/bench5m/cohort.json ] || (cd "$ROOT" && HTTPS=false $PY manage.py generate_cohort --out /tmp/bench5m \
  --gtf "$ROOT/panels/reference_data/grch38_chr1_head.ensembl.gtf.gz" --records 5000000 --seed 42 >/dev/null)
for round in 1 2 3; do
  for rev in "$@"; do
    out=$(cd "$WORK/$rev" && env DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ab_$rev \
          INTERPRET_DATA_DIR=$WORK/data-$rev HTTPS=false IMPORT_WORKERS=2 \
          $PY bench/import_wgs.py --records 5000000 --data /tmp/bench5m --workers 2 --skip-stages 2>/dev/null)
    echo "round $round $rev: $(grep -o '"seconds": [0-9.]*\|"peak_rss_mb": [0-9]*' <<<"$out" | tr '\n' ' ')"
  done
done
for rev in "$@"; do git -C "$ROOT" worktree remove --force "$WORK/$rev"; done
