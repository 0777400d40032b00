"""Give every clinic's starter strategies their Spanish version (new clinics get it from
coping.library.seed_strategy_library). Only a starter strategy still in its starter English words
and without any Spanish is filled: a clinic's rewording is left as the clinic keeps it."""

from django.db import migrations

from coping.library import STRATEGY_LIBRARY
from coping.library_es import STRATEGY_LIBRARY_ES


def fill_spanish(apps, schema_editor):
    Strategy = apps.get_model("coping", "Strategy")
    starter = {
        (category, title): description
        for category, strategies in STRATEGY_LIBRARY.items()
        for title, description in strategies
    }
    to_fill = []
    rows = Strategy.objects.filter(
        title__in=list(STRATEGY_LIBRARY_ES), title_es="", description_es=""
    ).only("category", "title", "description")
    for strategy in rows.iterator(chunk_size=2000):
        if starter.get((strategy.category, strategy.title)) == strategy.description:
            strategy.title_es, strategy.description_es = STRATEGY_LIBRARY_ES[strategy.title]
            to_fill.append(strategy)
    Strategy.objects.bulk_update(to_fill, ["title_es", "description_es"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("coping", "0006_spanish_version")]

    operations = [migrations.RunPython(fill_spanish, migrations.RunPython.noop)]
