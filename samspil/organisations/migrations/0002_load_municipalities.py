"""Data migration: the 98 Danish municipalities with their numbers and regions."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("organisations", "Municipality")
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Municipality.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "region": row["region"]}
            )


def unload(apps, schema_editor):
    apps.get_model("organisations", "Municipality").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
