"""Fill the rollups from the cases that existed before them (the hook keeps them from now on)."""
from django.db import migrations


def build(apps, schema_editor):
    from apps.insights.rollups import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial"), ("cases", "0002_lifecycle_fields")]
    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
