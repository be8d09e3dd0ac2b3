"""People: a proxy of Django's user whose permissions let editors invite and deactivate
colleagues (and nothing more); the Editor role is installed again with them."""

from importlib import import_module

from django.db import migrations

import articles.models.people

create_roles = import_module("articles.migrations.0003_roles").create_roles


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0010_tag_rows_publication_time"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="Person",
            fields=[],
            options={
                "verbose_name": "person",
                "verbose_name_plural": "people",
                "ordering": ["first_name", "last_name", "username"],
                "proxy": True,
                "default_permissions": ("add", "change", "view"),
                "indexes": [],
                "constraints": [],
            },
            bases=("auth.user",),
            managers=[
                ("objects", articles.models.people.PersonManager()),
            ],
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
