"""PostgreSQL keeps reports_checkinweek up to date itself: statement triggers on the check-in
table add the inserted rows, subtract the deleted ones, and both for an edit, grouped by person
and week (Monday), so bulk inserts and raw SQL count as much as a single save. Then the weeks
of the check-ins already there are written once. (SQLite has no reports: nothing to do.)"""

from django.db import migrations

FUNCTION = "reports_checkinweek_follow"
WEEK = "local_date - ((local_date - DATE '1900-01-01') % 7)"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE reports_checkinweek w
        SET checkins = w.checkins - gone.n, mood_sum = w.mood_sum - gone.mood,
            craving_sum = w.craving_sum - gone.craving, stress_sum = w.stress_sum - gone.stress
        FROM (
            SELECT patient_id, {WEEK} AS week, COUNT(*) AS n, SUM(mood) AS mood,
                   SUM(craving) AS craving, SUM(stress) AS stress
            FROM old_rows GROUP BY 1, 2
        ) gone
        WHERE w.patient_id = gone.patient_id AND w.week = gone.week;
        DELETE FROM reports_checkinweek w
        USING (SELECT DISTINCT patient_id, {WEEK} AS week FROM old_rows) gone
        WHERE w.patient_id = gone.patient_id AND w.week = gone.week AND w.checkins <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO reports_checkinweek
            (patient_id, week, checkins, mood_sum, craving_sum, stress_sum)
        SELECT patient_id, {WEEK}, COUNT(*), SUM(mood), SUM(craving), SUM(stress)
        FROM new_rows GROUP BY 1, 2
        ON CONFLICT (patient_id, week) DO UPDATE
        SET checkins = reports_checkinweek.checkins + EXCLUDED.checkins,
            mood_sum = reports_checkinweek.mood_sum + EXCLUDED.mood_sum,
            craving_sum = reports_checkinweek.craving_sum + EXCLUDED.craving_sum,
            stress_sum = reports_checkinweek.stress_sum + EXCLUDED.stress_sum;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS reports_checkinweek_insert ON coping_checkin;
DROP TRIGGER IF EXISTS reports_checkinweek_update ON coping_checkin;
DROP TRIGGER IF EXISTS reports_checkinweek_delete ON coping_checkin;
CREATE TRIGGER reports_checkinweek_insert AFTER INSERT ON coping_checkin
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER reports_checkinweek_update AFTER UPDATE ON coping_checkin
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER reports_checkinweek_delete AFTER DELETE ON coping_checkin
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
DELETE FROM reports_checkinweek;
INSERT INTO reports_checkinweek (patient_id, week, checkins, mood_sum, craving_sum, stress_sum)
SELECT patient_id, {WEEK}, COUNT(*), SUM(mood), SUM(craving), SUM(stress)
FROM coping_checkin GROUP BY 1, 2;
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS reports_checkinweek_insert ON coping_checkin;
DROP TRIGGER IF EXISTS reports_checkinweek_update ON coping_checkin;
DROP TRIGGER IF EXISTS reports_checkinweek_delete ON coping_checkin;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("coping", "0001_initial"),
        ("reports", "0002_checkin_week"),
    ]

    operations = [migrations.RunPython(install, remove)]
