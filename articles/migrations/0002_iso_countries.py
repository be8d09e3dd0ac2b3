"""Every ISO 3166-1 country exists after the first migrate, with its common name."""

from django.db import migrations


def create_countries(apps, schema_editor):
    from articles.tagging.countries import install_countries

    install_countries(apps.get_model("articles", "Country"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_countries, migrations.RunPython.noop)]
