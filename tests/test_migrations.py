from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from articles.models import Country


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    """A model edited without its migration would break the next deploy."""
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


@pytest.mark.django_db
def test_every_iso_country_exists_with_its_common_name_after_migrate():
    """Editors tag from the full ISO list, named as readers know the countries."""
    assert Country.objects.count() == 249
    russia = Country.objects.get(code="RU")
    assert (russia.name, russia.slug) == ("Russia", "russia")
    assert Country.objects.get(code="IN").slug == "india"
    assert Country.objects.get(code="KR").name == "South Korea"
    assert Country.objects.get(code="TR").slug == "turkiye"


@pytest.mark.django_db
def test_reporter_and_editor_roles_exist_with_distinct_powers():
    """Only editors may publish; both may write."""
    reporter = Group.objects.get(name="Reporter")
    editor = Group.objects.get(name="Editor")
    assert not reporter.permissions.filter(codename="publish_article").exists()
    assert editor.permissions.filter(codename="publish_article").exists()
    assert reporter.permissions.filter(codename="add_article").exists()
