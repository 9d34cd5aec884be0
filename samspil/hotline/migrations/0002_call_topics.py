from django.db import migrations

TOPICS = [
    "Konflikt med barnet",
    "Barnet er stukket af / savnet",
    "Selvskade eller trusler om selvskade",
    "Vold eller trusler",
    "Bekymring efter samvær",
    "Skole eller dagtilbud",
    "Sygdom eller ulykke",
    "Plejeforældrenes egen krise",
    "Praktisk spørgsmål",
    "Andet",
]


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    CallTopic = apps.get_model("hotline", "CallTopic")
    for position, name in enumerate(TOPICS):
        CallTopic.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
