from django.db import migrations

from operations.defaults import defaults_install


def grant(apps, schema_editor):
    # The roles' permissions on new business and payment models, which exist only from here on.
    defaults_install(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("new_business", "0001_initial"),
        ("payments", "0001_initial"),
        ("feedback", "0003_role_permissions"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
