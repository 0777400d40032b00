from django.db import migrations


def forward(apps, schema_editor):
    # Before languages could be chosen, every account was created with "en": nobody chose it.
    # Blank follows the clinic's default (and, for a supporter, the language they were invited
    # in), as for anyone who has not chosen (accounts/languages.py).
    apps.get_model("accounts", "User").objects.filter(language="en").update(language="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_language_clinic_default"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
