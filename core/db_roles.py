"""Database roles: the application owns nothing.

Two roles use the database. The owner role runs migrations and owns every table, function and trigger. The
application role (the one web servers and workers connect as) gets rows, not tables: SELECT, INSERT, UPDATE and
DELETE on the tables, and on the audit log INSERT and SELECT only. Not being an owner, it cannot ALTER a table,
DISABLE its triggers or TRUNCATE it, so the append-only audit log cannot be switched off from inside the
application, whatever a bug or an injected statement tries. The database refuses, not the code.
"""
from __future__ import annotations

from psycopg import sql

AUDIT_TABLE = "interpret_auditevent"


def grant_app_privileges(cursor, *, app_role: str, owner_role: str) -> None:
    """As the owner, after migrating: the application role's privileges on every table and sequence, now and for
    tables the owner creates later; only INSERT and SELECT on the audit log."""
    app, owner = sql.Identifier(app_role), sql.Identifier(owner_role)
    statements = [
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
            sql.Identifier(cursor.connection.info.dbname), app),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(app),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(app),
        sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {}").format(app),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON "
                "TABLES TO {}").format(owner, app),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES "
                "TO {}").format(owner, app),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
            sql.Identifier(AUDIT_TABLE), app),
        sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}").format(app),
    ]
    for statement in statements:
        cursor.execute(statement)


def move_ownership(cursor, *, owner_role: str) -> int:
    """As a superuser: make the owner role own every table, sequence, view and function of the public schema
    (an installation migrated before the roles existed). Returns how many objects moved."""
    cursor.execute(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_roles r ON r.oid = c.relowner WHERE n.nspname = 'public' AND r.rolname <> %s "
        "AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
        # A sequence that belongs to a column (serial, identity) moves with its table.
        "AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
        "AND d.objid = c.oid AND d.deptype IN ('a', 'i')))", [owner_role])
    moved = 0
    for name, kind in cursor.fetchall():
        noun = {"S": "SEQUENCE", "v": "VIEW", "m": "MATERIALIZED VIEW"}.get(kind, "TABLE")
        cursor.execute(sql.SQL("ALTER {} {} OWNER TO {}").format(sql.SQL(noun), sql.Identifier(name),
                                                                  sql.Identifier(owner_role)))
        moved += 1
    cursor.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "JOIN pg_roles r ON r.oid = p.proowner WHERE n.nspname = 'public' AND r.rolname <> %s", [owner_role])
    for (signature,) in cursor.fetchall():
        cursor.execute(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(signature),
                                                                      sql.Identifier(owner_role)))
        moved += 1
    cursor.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(owner_role)))
    return moved
