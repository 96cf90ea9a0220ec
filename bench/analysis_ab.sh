#!/bin/bash
# The analyses of the shipped demo data, side by side across commits: each commit in a git worktree with its own
# database loads the demo (`manage.py load_demo_data`: the Scout trio, the tumour/normal case and the generated
# families) and analyses every demo case as `analyse_case` does (bench/analysis_ab_run.py: the case's default
# preset, and genome-wide; not recorded), and bench/analysis_compare.py compares the candidates commit by commit.
#
#   bench/analysis_ab.sh e6ead4e HEAD      (needs PostgreSQL on 127.0.0.1:5432, user postgres, and git history)
#
# Prints, per case and run, the candidates of each commit and whether they are the same.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=$ROOT/.venv/bin/python
WORK=${AB_DIR:-/tmp/analysis-ab}
mkdir -p "$WORK"
for rev in "$@"; do
  sha=$(git -C "$ROOT" rev-parse --short "$rev")
  [ -d "$WORK/$sha" ] || git -C "$ROOT" worktree add -f "$WORK/$sha" "$sha" -q
  cp "$ROOT"/genomes/vcf/_screen*.so "$WORK/$sha/genomes/vcf/" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS analysis_ab_$sha" -c "CREATE DATABASE analysis_ab_$sha"
  export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/analysis_ab_$sha INTERPRET_DATA_DIR=$WORK/data-$sha \
         HTTPS=false INTERPRET_DATABASE_ROLE=superuser
  mkdir -p "$WORK/out-$sha"
  (cd "$WORK/$sha" && $PY manage.py migrate -v0 && $PY manage.py load_demo_data >/dev/null &&
   OUT="$WORK/out-$sha" $PY manage.py shell < "$ROOT/bench/analysis_ab_run.py")
done
shas=$(for rev in "$@"; do git -C "$ROOT" rev-parse --short "$rev"; done)
$PY "$ROOT/bench/analysis_compare.py" $(for sha in $shas; do echo "$WORK/out-$sha"; done)
