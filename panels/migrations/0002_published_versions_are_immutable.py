"""Published panel versions are immutable in the database itself.

- Entries change only while their version is a draft.
- A published or retired version keeps its number, panel, base, comment, author and sign-off; the only
  change allowed is published -> retired.
- Published and retired versions cannot be deleted.
"""
from django.db import migrations

SQL = """
CREATE FUNCTION panels_entry_only_in_draft() RETURNS trigger AS $$
DECLARE
    version_status text;
BEGIN
    SELECT status INTO version_status FROM panels_panelversion WHERE id = COALESCE(NEW.version_id, OLD.version_id);
    IF version_status IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'panel version % is %, not a draft: its genes cannot change',
            COALESCE(NEW.version_id, OLD.version_id), version_status USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER panels_entry_only_in_draft
    BEFORE INSERT OR UPDATE OR DELETE ON panels_panelentry
    FOR EACH ROW EXECUTE FUNCTION panels_entry_only_in_draft();

CREATE FUNCTION panels_published_version_is_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ('published', 'retired') THEN
            RAISE EXCEPTION 'panel version % is %: it cannot be deleted', OLD.id, OLD.status
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ('published', 'retired') AND (
        NEW.panel_id <> OLD.panel_id OR NEW.major <> OLD.major OR NEW.minor <> OLD.minor
        OR NEW.based_on_id IS DISTINCT FROM OLD.based_on_id OR NEW.comment <> OLD.comment
        OR NEW.created_by_id IS DISTINCT FROM OLD.created_by_id
        OR NEW.signed_off_by_id IS DISTINCT FROM OLD.signed_off_by_id
        OR NEW.published_at IS DISTINCT FROM OLD.published_at
        OR NOT (NEW.status = OLD.status OR (OLD.status = 'published' AND NEW.status = 'retired'))
    ) THEN
        RAISE EXCEPTION 'panel version % is %: only retiring it is allowed', OLD.id, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER panels_published_version_is_immutable
    BEFORE UPDATE OR DELETE ON panels_panelversion
    FOR EACH ROW EXECUTE FUNCTION panels_published_version_is_immutable();
"""

REVERSE = """
DROP TRIGGER IF EXISTS panels_entry_only_in_draft ON panels_panelentry;
DROP FUNCTION IF EXISTS panels_entry_only_in_draft();
DROP TRIGGER IF EXISTS panels_published_version_is_immutable ON panels_panelversion;
DROP FUNCTION IF EXISTS panels_published_version_is_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("panels", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
