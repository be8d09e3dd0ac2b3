"""Editors see lockouts, unlock colleagues and reset their two-factor devices.

The roles are installed again, now that the sign-in apps (django-axes, django-otp) have
their tables and permissions: 0003_roles may have run before them on a new database.
"""

from importlib import import_module

from django.db import migrations

create_roles = import_module("articles.migrations.0003_roles").create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_admin_list_indexes"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
