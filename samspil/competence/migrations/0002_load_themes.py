"""Data migration: the themes of competence development named in the intervention description,
and the themes for consultative courses (crime, substance abuse, psychiatric diagnoses)."""

from django.db import migrations

THEMES = [
    ("Samarbejde med biologiske forældre og søskende", False),
    ("Teenageproblematikker", False),
    ("Anerkendende pædagogik", False),
    ("Mentalisering", False),
    ("Deeskalering", False),
    ("Neuroaffektiv udviklingspsykologi", False),
    ("Tilknytningsteori", False),
    ("Miljøterapi", False),
    ("Psykiatriske diagnoser", True),
    ("Fysiske handicap og tidlige skader", False),
    ("Tryghedscirklen (Circle of Security)", False),
    ("Autisme, piktogrammer og TEACCH", False),
    ("Kriminalitet", True),
    ("Misbrug", True),
    ("Nye symptomer eller ændret adfærd", True),
]


def load(apps, schema_editor):
    Theme = apps.get_model("competence", "Theme")
    for name, consultative in THEMES:
        Theme.objects.update_or_create(name=name, defaults={"for_consultative_courses": consultative})


def unload(apps, schema_editor):
    apps.get_model("competence", "Theme").objects.filter(name__in=[name for name, _ in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("competence", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
