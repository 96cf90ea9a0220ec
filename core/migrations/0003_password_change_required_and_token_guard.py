from django.db import migrations, models

# A token keeps its owner, and a revoked token stays revoked, whatever writes the row (the admin site, a shell, a
# bug): a moved token would act with another person's rights, an un-revoked one would come back unseen.
TOKEN_GUARD_SQL = """
CREATE FUNCTION interpret_apitoken_keeps_owner_and_revocation() RETURNS trigger AS $$
BEGIN
    IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
        RAISE EXCEPTION 'an API token never changes owner (token %)', OLD.prefix USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
        RAISE EXCEPTION 'a revoked API token stays revoked (token %)', OLD.prefix USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.digest IS DISTINCT FROM OLD.digest OR NEW.prefix IS DISTINCT FROM OLD.prefix THEN
        RAISE EXCEPTION 'an API token''s secret is never changed (token %)', OLD.prefix USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER interpret_apitoken_guard BEFORE UPDATE ON interpret_apitoken
    FOR EACH ROW EXECUTE FUNCTION interpret_apitoken_keeps_owner_and_revocation();
"""
DROP_TOKEN_GUARD_SQL = """
DROP TRIGGER IF EXISTS interpret_apitoken_guard ON interpret_apitoken;
DROP FUNCTION IF EXISTS interpret_apitoken_keeps_owner_and_revocation();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0002_content_types_of_the_moved_models")]

    operations = [
        migrations.AddField(
            model_name="user", name="password_change_required",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunSQL(TOKEN_GUARD_SQL, DROP_TOKEN_GUARD_SQL),
    ]
