from django.db import migrations

from operations.defaults import defaults_install


def grant(apps, schema_editor):
    # The roles' permissions on feedback's models, which exist only from this app's migrations on.
    defaults_install(apps)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_default_rules"), ("operations", "0003_held_index")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
