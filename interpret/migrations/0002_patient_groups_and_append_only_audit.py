from django.db import migrations


def create_patient_groups(apps, schema_editor):
    from core.patient_groups import patient_groups_sync

    patient_groups_sync(apps.get_model("interpret", "PatientGroup"))


# The audit log is append-only at the database level: UPDATE and DELETE raise,
# whatever the application (or a bug, or the admin site) attempts. TRUNCATE is
# left to database administrators (and the test runner's flush).
APPEND_ONLY_SQL = """
CREATE FUNCTION interpret_auditevent_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on interpret_auditevent is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER interpret_auditevent_append_only
    BEFORE UPDATE OR DELETE ON interpret_auditevent
    FOR EACH ROW EXECUTE FUNCTION interpret_auditevent_is_append_only();
"""

DROP_APPEND_ONLY_SQL = """
DROP TRIGGER IF EXISTS interpret_auditevent_append_only ON interpret_auditevent;
DROP FUNCTION IF EXISTS interpret_auditevent_is_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("interpret", "0001_initial")]

    operations = [
        migrations.RunPython(create_patient_groups, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY_SQL, DROP_APPEND_ONLY_SQL),
    ]
