"""National SV overlap query against 1,000,000 clusters (issue 26 target: p95 <= 50 ms): the query the national
search and the lookup API run for a region (genomes.sv.national.sv_clusters_in_region), on a table filled with a
million clusters of realistic sizes, with their observation rows.

    INTERPRET_DATA_DIR=/tmp/bench-sv-national .venv/bin/python bench/sv_national.py [--clusters 1000000]
        [--queries 300]

Clusters: deletions, duplications, insertions and breakends over GRCh38's autosomes, lengths log-normal (median
about 2 kb, a tail of megabase CNVs), one to three observation rows each. Queries: 100 kb regions at random, then
1 Mb regions, each timed from Python (what the page pays), the first of each kind reported apart. Before them, the
bench waits until autovacuum has been through the million rows just written (as it has on a server running under
a national table); --no-settle queries at once, while autovacuum works beside the queries.
"""
import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpret.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--clusters", type=int, default=1_000_000)
parser.add_argument("--queries", type=int, default=300)
parser.add_argument("--no-settle", action="store_true",
                    help="query while autovacuum still works on the freshly written tables")
args = parser.parse_args()
call_command("bootstrap", verbosity=0)

from core.models import PatientGroup  # noqa: E402
from genomes.sv.national import sv_clusters_in_region  # noqa: E402
from genomes.variant_identity import CONTIG_LENGTHS, GenomeBuild, xpos  # noqa: E402

BUILD = "GRCh38"
AUTOSOMES = [str(n) for n in range(1, 23)]
lengths = CONTIG_LENGTHS[GenomeBuild.GRCH38]
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM genomes_svcluster WHERE build = %s", [BUILD])
    have = cursor.fetchone()[0]
    if have < args.clusters:
        started = time.perf_counter()
        groups = list(PatientGroup.objects.values_list("id", flat=True))
        # Generated in SQL: a million rows through Python would measure Python.
        cursor.execute(
            "INSERT INTO genomes_svcluster (build, svtype, chrom, start, \"end\", xstart, xend, length, mate_chrom) "
            "SELECT %s, t, c::text, s, s + l, c::bigint * 1000000000 + s, c::bigint * 1000000000 + s + l, l, '' "
            "FROM (SELECT t, c, (1000 + random() * ((%s::int[])[c] - 21000000))::int AS s, l FROM ("
            "  SELECT (ARRAY['DEL','DEL','DEL','DUP','DUP','INS','BND'])[1 + (random() * 6)::int] AS t,"
            "         1 + (random() * 21)::int AS c,"
            "         least(50 + exp(7.6 + 1.7 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))::bigint,"
            "               20000000)::int AS l"
            "  FROM generate_series(1, %s)) g) placed", [BUILD, [lengths[c] for c in AUTOSOMES], args.clusters - have])
        cursor.execute(
            "INSERT INTO genomes_svclusterobservation (cluster_id, origin, patient_group_id, carriers, families, "
            "het, hom, hemi, affected_carriers, affected_families) "
            "SELECT k.id, 'germline', (%s::int[])[1 + (k.id %% %s)], 1 + (k.id %% 7), 1 + (k.id %% 5), 1, 0, 0, 0, 0 "
            "FROM genomes_svcluster k WHERE NOT EXISTS (SELECT 1 FROM genomes_svclusterobservation o "
            "WHERE o.cluster_id = k.id)", [groups, len(groups)])
        cursor.execute("ANALYZE genomes_svcluster")
        cursor.execute("ANALYZE genomes_svclusterobservation")
        print(f"filled {args.clusters - have:,} clusters in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    cursor.execute("SELECT count(*) FROM genomes_svcluster WHERE build = %s", [BUILD])
    total = cursor.fetchone()[0]
with connection.cursor() as cursor:
    # A million rows just written start autovacuum (and autoanalyze) on both tables, which on two cores competes
    # with the queries; a server restarted under a national table meets them vacuumed. Reported, then waited for.
    waited = time.perf_counter()
    while not args.no_settle and time.perf_counter() - waited < 600:
        cursor.execute("SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('genomes_svcluster', "
                       "'genomes_svclusterobservation') AND n_ins_since_vacuum < 1000")
        if cursor.fetchone()[0] == 2:
            break
        time.sleep(2)
    cursor.execute("SELECT relname, last_autovacuum, last_autoanalyze FROM pg_stat_user_tables "
                   "WHERE relname LIKE 'genomes_svcluster%%' ORDER BY 1")
    print(f"waited {time.perf_counter() - waited:.0f} s for autovacuum: {cursor.fetchall()}", file=sys.stderr)

rng = random.Random(26)
print(f"| region (GRCh38, {total:,} national SV clusters) | queries | first ms | median ms | p95 ms | clusters "
      "returned (median) |")
print("|---|---|---|---|---|---|")
for span in (100_000, 1_000_000):
    timings, found = [], []
    for _ in range(args.queries):
        chrom = rng.choice(AUTOSOMES)
        start = rng.randint(1, lengths[chrom] - span)
        began = time.perf_counter()
        rows = sv_clusters_in_region(build=BUILD, xstart=xpos(chrom, start), xend=xpos(chrom, start + span))
        timings.append((time.perf_counter() - began) * 1000)
        found.append(len(rows))
    ordered = sorted(timings)
    print(f"| {span // 1000:,} kb | {args.queries} | {timings[0]:.1f} | {statistics.median(timings):.1f} | "
          f"{ordered[int(len(ordered) * 0.95) - 1]:.1f} | {statistics.median(found):.0f} |")
