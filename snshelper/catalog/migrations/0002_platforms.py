from django.db import migrations

from snshelper.catalog.platforms import install_default_platforms


def add_platforms(apps, schema_editor):
    install_default_platforms(apps.get_model("catalog", "Platform"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(add_platforms, migrations.RunPython.noop)]
