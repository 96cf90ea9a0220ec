#!/bin/bash
# A database made by an earlier commit, for tests/core/test_upgrade_path.py: the commit's own migrations and code
# fill it (populate.py), pg_dump writes it. Needs git history, PostgreSQL on 127.0.0.1:5432 (user postgres) and the
# project's .venv.
#
#   tests/data/upgrade/make_fixture.sh e6ead4e      -> tests/data/upgrade/database-e6ead4e.sql.gz
set -euo pipefail
commit=$1
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
WORK=$(mktemp -d)
git -C "$ROOT" worktree add -f "$WORK/checkout" "$commit" -q
trap 'git -C "$ROOT" worktree remove --force "$WORK/checkout"; rm -rf "$WORK"' EXIT
cp "$ROOT"/genomes/vcf/_screen*.so "$WORK/checkout/genomes/vcf/" 2>/dev/null || true
cp "$(dirname "$0")/populate.py" "$WORK/populate.py"
db=upgrade_fixture_$commit
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$db INTERPRET_DATA_DIR=$WORK/data HTTPS=false
(cd "$WORK/checkout" && "$ROOT/.venv/bin/python" manage.py migrate -v0 &&
 "$ROOT/.venv/bin/python" manage.py shell -c "exec(open('$WORK/populate.py').read())")
# \restrict lines (pg_dump 15.14+) are unknown to older psql clients; the dump is restored with any
pg_dump -h 127.0.0.1 -U postgres --no-owner --no-privileges "$db" | grep -v '^\\\(un\)\?restrict ' \
  | gzip -9n > "$ROOT/tests/data/upgrade/database-$commit.sql.gz"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db"
ls -l "$ROOT/tests/data/upgrade/database-$commit.sql.gz"
