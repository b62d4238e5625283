"""Seed the four standard directive channels (admins may add others)."""
from django.db import migrations

CHANNELS = [
    ("party-government", "党政指挥", 10),
    ("party-building", "党建引领", 20),
    ("coordination", "综合协调", 30),
    ("economy", "经济运行", 40),
]


def seed(apps, schema_editor):
    DirectiveChannel = apps.get_model("dispatch", "DirectiveChannel")
    for code, name, order in CHANNELS:
        DirectiveChannel.objects.get_or_create(code=code, defaults={"name": name, "ordering": order})


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0003_dispatch_b")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
