"""Running the schema on a Citus cluster (distributed PostgreSQL): preparing a database on the coordinator and its
workers, and turning Django's tables into distributed, reference and local tables by a plan the apps give
(genomes.distribution). Idempotent: a table already laid out as the plan says is left alone.

Citus's rules that shape what is done here (docs.citusdata.com, "Distributing tables", "Table types"):
- a distributed table's primary key and unique constraints must contain its distribution column: a
  ``PRIMARY KEY (id)`` becomes ``PRIMARY KEY (id, <column>)``, under the same constraint name, so that later
  Django migrations that name it still find it;
- a foreign key from a reference table to a distributed table, and one between distributed tables that are not
  co-located or not on the distribution column, cannot be enforced: such constraints are dropped and listed
  (the application keeps those references as it did before; a delete of the target goes through Django's
  collector, which deletes or refuses in Python first);
- a local table that refers to a reference table becomes a "Citus local table" on the coordinator, which needs
  the coordinator in the cluster's metadata (``citus_set_coordinator_host``)."""
from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql


class CitusError(Exception):
    """A database that cannot be distributed (the message says why and what to do)."""


@dataclass
class DistributionPlan:
    by_case: list[str]       # distributed by case_id, co-located with the first
    by_variant: list[str]    # distributed by variant_id, co-located with the first
    local: list[str]         # kept on the coordinator only (no foreign keys to distributed tables)


def citus_installed(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
    return cursor.fetchone() is not None


def citus_prepare(coordinator_url: str, workers: list[tuple[str, int]], *, coordinator: tuple[str, int],
                  fresh: bool = False) -> None:
    """Create the coordinator's database on every worker with the citus extension, the extension on the
    coordinator, and register the coordinator and the workers (a node already registered is skipped).
    ``fresh``: drop the workers' database of that name first (a test database made anew on the coordinator:
    its workers' copy holds the shards of the last run)."""
    info = psycopg.conninfo.conninfo_to_dict(coordinator_url)
    name = info["dbname"]
    for host, port in workers:
        worker = {**info, "host": host, "port": port}
        with psycopg.connect(**{**worker, "dbname": "postgres"}, autocommit=True) as admin:
            if fresh:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        with psycopg.connect(**worker, autocommit=True) as node:
            node.execute("CREATE EXTENSION IF NOT EXISTS citus")
    with psycopg.connect(coordinator_url, autocommit=True) as head:
        head.execute("CREATE EXTENSION IF NOT EXISTS citus")
        head.execute("SELECT citus_set_coordinator_host(%s, %s)", list(coordinator))
        known = set(head.execute("SELECT nodename, nodeport FROM pg_dist_node").fetchall())
        for host, port in workers:
            if (host, port) not in known:
                head.execute("SELECT citus_add_node(%s, %s)", [host, port])


def _citus_kind(cursor, table: str) -> str | None:
    """'distributed', 'reference', 'local' (a Citus local table) or None (a plain PostgreSQL table)."""
    cursor.execute("SELECT citus_table_type FROM citus_tables WHERE table_name = %s::regclass", [table])
    row = cursor.fetchone()
    if row is not None:
        return row[0]
    cursor.execute("SELECT 1 FROM pg_dist_partition WHERE logicalrelid = %s::regclass", [table])
    return "local" if cursor.fetchone() else None


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _foreign_keys(cursor) -> list[tuple[str, str, str, list[str], list[str], str]]:
    """(constraint, table, referenced table, columns, referenced columns, definition) of every foreign key in
    public."""
    cursor.execute(
        "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text, "
        "ARRAY(SELECT attname FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid "
        "      AND a.attnum = k ORDER BY 1), "
        "ARRAY(SELECT attname FROM unnest(c.confkey) k JOIN pg_attribute a ON a.attrelid = c.confrelid "
        "      AND a.attnum = k ORDER BY 1), pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' AND NOT t.relispartition "
        "AND c.conparentid = 0 AND t.relnamespace = 'public'::regnamespace ORDER BY 2, 1")
    return [(name, table, target, list(cols), list(target_cols), definition)
            for name, table, target, cols, target_cols, definition in cursor.fetchall()]


def _primary_key(cursor, table: str) -> tuple[str, list[str]] | None:
    cursor.execute(
        "SELECT c.conname, ARRAY(SELECT attname FROM unnest(c.conkey) k JOIN pg_attribute a "
        "ON a.attrelid = c.conrelid AND a.attnum = k) FROM pg_constraint c "
        "WHERE c.conrelid = %s::regclass AND c.contype = 'p'", [table])
    row = cursor.fetchone()
    return (row[0], list(row[1])) if row else None


def _identity_to_sequence(cursor, table: str) -> None:
    """Citus distributes no table with an identity column: its ids come from a sequence instead (the same
    numbers go on; Django reads them back with RETURNING either way)."""
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                   "AND table_name = %s AND is_identity = 'YES'", [table])
    for (name,) in cursor.fetchall():
        sequence = f"{table}_{name}_seq"
        names = {"t": sql.Identifier(table), "c": sql.Identifier(name), "s": sql.Identifier(sequence)}
        cursor.execute(sql.SQL("SELECT coalesce(max({c}), 0) + 1 FROM {t}").format(**names))
        start = cursor.fetchone()[0]
        cursor.execute(sql.SQL("ALTER TABLE {t} ALTER COLUMN {c} DROP IDENTITY").format(**names))
        cursor.execute(sql.SQL("CREATE SEQUENCE {s} AS bigint START WITH {n} OWNED BY {t}.{c}").format(
            **names, n=sql.Literal(start)))
        cursor.execute(sql.SQL("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT nextval({q})").format(
            **names, q=sql.Literal(sequence)))


def _sequence_past_rows(cursor, table: str) -> None:
    """Citus makes a table's identity sequence anew when it distributes or copies it, starting at 1: the next id
    must follow the rows already there (the migrations' built-in presets, an installation's data)."""
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                   "AND table_name = %s AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')", [table])
    for (name,) in cursor.fetchall():
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, name])
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(sql.SQL("SELECT setval({q}, coalesce(max({c}), 0) + 1, false) FROM {t}").format(
                q=sql.Literal(sequence), c=sql.Identifier(name), t=sql.Identifier(table)))


def _referenced_first(targets: dict[str, set[str]]) -> list[str]:
    ordered, placed = [], set()

    def place(table, path=()):
        if table in placed or table in path:
            return
        for target in sorted(targets[table]):
            place(target, (*path, table))
        placed.add(table)
        ordered.append(table)

    for table in sorted(targets):
        place(table)
    return ordered


def distribute(cursor, plan: DistributionPlan) -> dict:
    """Lay the schema out as ``plan`` says (see the module's notes). Returns what was done, by table."""
    if not citus_installed(cursor):
        raise CitusError("the database has no citus extension: install Citus on every node (Citus's own packages), "
                         "add shared_preload_libraries = 'citus', run CREATE EXTENSION citus on the coordinator's "
                         "database and add the workers (README, 'Past one machine')")
    # The platform's guard triggers (append-only audit and case events, immutable published panel versions,
    # frozen reports) run on each shard placement: they check the row they are given, never other rows.
    cursor.execute("SET LOCAL citus.enable_unsafe_triggers TO on")
    # Citus copies a new reference table to the coordinator's own placement by local execution (the running
    # application switches it off: settings.DATABASE_CITUS).
    cursor.execute("SET LOCAL citus.enable_local_execution TO on")
    tables = _tables(cursor)
    column = {**{t: "case_id" for t in plan.by_case}, **{t: "variant_id" for t in plan.by_variant}}
    missing = sorted(set(column) - set(tables))
    if missing:
        raise CitusError(f"the plan names tables the database lacks: {', '.join(missing)} (migrate first)")
    reference = [t for t in tables if t not in column and t not in plan.local]
    done: dict = {"distributed": [], "reference": [], "dropped_foreign_keys": [], "already": []}
    kind_of = {t: _citus_kind(cursor, t) for t in tables}
    planned = [t for t in column if kind_of[t] != "distributed"]
    laid_out = []  # the tables this run made reference or distributed
    # Every foreign key from or to a table about to be distributed is taken off first (a plain table that refers
    # to a new reference table would otherwise become a Citus local table, which no longer takes the changes
    # below), and put back at the end where Citus can keep it: to a reference table, or between co-located
    # tables on the distribution column.
    put_back = []
    foreign_keys = _foreign_keys(cursor)
    for name, table, target, columns, target_columns, definition in foreign_keys:
        # a reference or distributed table cannot refer to a table of the coordinator's own
        to_local = target in plan.local and table not in plan.local
        if not to_local and table not in planned and target not in planned:
            continue
        cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table),
                                                                            sql.Identifier(name)))
        if to_local:
            kept = False
        elif target in column:
            kept = (table in column and (table in plan.by_case) == (target in plan.by_case)
                    and column[table] in columns and column[target] in target_columns)
        else:
            kept = target in reference
        if kept:
            put_back.append((table, name, definition))
        else:
            done["dropped_foreign_keys"].append(f"{table}.{name} -> {target}")
    for table in planned:
        _identity_to_sequence(cursor, table)
        key = _primary_key(cursor, table)
        if key is not None and column[table] not in key[1]:
            names = {"t": sql.Identifier(table), "k": sql.Identifier(key[0])}
            cursor.execute(sql.SQL("ALTER TABLE {t} DROP CONSTRAINT {k}").format(**names))
            cursor.execute(sql.SQL("ALTER TABLE {t} ADD CONSTRAINT {k} PRIMARY KEY ({c})").format(
                **names, c=sql.SQL(", ").join(sql.Identifier(c) for c in [*key[1], column[table]])))
    # Reference tables before the distributed ones that refer to them, and each after the tables it refers to.
    targets = {t: set() for t in reference}
    for _, table, target, _, _, _ in foreign_keys:  # those between reference tables were left in place
        if table in targets and target in targets and target != table:
            targets[table].add(target)
    for table in _referenced_first(targets):
        if kind_of[table] == "reference":
            done["already"].append(table)
            continue
        if kind_of[table] == "local":  # a Citus local table made so by an earlier foreign key: now a reference
            cursor.execute("SELECT undistribute_table(%s, cascade_via_foreign_keys => true)", [table])
        cursor.execute("SELECT create_reference_table(%s)", [table])
        done["reference"].append(table)
        laid_out.append(table)
    for members in (plan.by_case, plan.by_variant):
        first = None
        for table in members:
            if table in planned:
                cursor.execute("SELECT create_distributed_table(%s, %s, colocate_with => %s)",
                               [table, column[table], first or "none"])
                done["distributed"].append(f"{table} by {column[table]}")
                laid_out.append(table)
            else:
                done["already"].append(table)
            first = first or table
    for table in laid_out:
        _sequence_past_rows(cursor, table)
    for table, name, definition in put_back:
        cursor.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(sql.Identifier(table), sql.Identifier(name))
                       .as_string(cursor.connection) + definition)
    return done
