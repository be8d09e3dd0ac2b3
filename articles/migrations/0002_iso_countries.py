"""Every ISO 3166-1 country exists after the first migrate, with its common name."""

from django.db import migrations
from django.utils.text import slugify


def create_countries(apps, schema_editor):
    from articles.countries import iso_countries

    Country = apps.get_model("articles", "Country")
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(code=code, name=name, slug=slugify(name), aliases=[])
        for code, name in iso_countries()
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_countries, migrations.RunPython.noop)]
