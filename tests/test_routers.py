"""The read replica router: public reads to the replica, the desk and writes to the primary."""

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from articles.models import Article, Country
from articles.platform import routers

router = routers.ReplicaRouter()


def test_public_reads_go_to_the_replica():
    assert router.db_for_read(Article) == "replica"
    assert router.db_for_read(Country) == "replica"


def test_auth_sessions_and_admin_reads_stay_on_the_primary():
    assert router.db_for_read(User) == "default"
    assert router.db_for_read(Session) == "default"


def test_writes_go_to_the_primary_and_pin_later_reads_to_it():
    request = RequestFactory().get("/")
    seen = []

    def view(request):
        seen.append(router.db_for_read(Article))
        assert router.db_for_write(Article) == "default"
        seen.append(router.db_for_read(Article))
        return HttpResponse()

    routers.PrimaryPinMiddleware(view)(request)
    assert seen == ["replica", "default"]
    assert router.db_for_read(Article) == "replica", "the pin ends with the request"


@pytest.mark.parametrize(
    "method, path, cookies, expected",
    [
        ("get", "/countries/india/", {}, "replica"),
        ("get", "/admin/articles/article/", {}, "default"),
        ("post", "/search/", {}, "default"),
        ("get", "/countries/india/", {"sessionid": "abc"}, "default"),
    ],
)
def test_middleware_pins_admin_unsafe_methods_and_logged_in_requests(
    method, path, cookies, expected
):
    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies)
    seen = []

    def view(request):
        seen.append(router.db_for_read(Article))
        return HttpResponse()

    routers.PrimaryPinMiddleware(view)(request)
    assert seen == [expected]


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_use_the_primary():
    with transaction.atomic():
        assert router.db_for_read(Article) == "default"


def test_use_primary_pins_reads_inside_the_block_only():
    with routers.use_primary():
        assert router.db_for_read(Article) == "default"
    assert router.db_for_read(Article) == "replica"


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")
    assert router.allow_relation(Article(), Country())
