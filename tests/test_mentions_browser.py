"""Also mentioned, in a real browser: one click makes a mention a subject; a public tag
page links to the stories that mention it."""

import pytest

from articles.editorial import mentions
from articles.models import Article
from tests.admin_pages import change_url
from tests.factories import make_article, make_editor, make_minister
from tests.signing_in import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "<p>India signed a grain deal.</p><p>Officials later briefed Sergey Lavrov.</p>"


def test_one_click_makes_a_mention_a_subject(browser, live_server):
    editor = make_editor()
    lavrov = make_minister("Sergey Lavrov")
    article = make_article("Grain deal signed", body=BODY, countries=["IN"],
                           status=Article.Status.REVIEW)
    mentions.refresh_article_mentions(article)
    page = signed_in_page(browser, live_server, editor)
    page.goto(change_url(live_server, article))
    panel = page.locator(".mention-list > li", has_text="Sergey Lavrov")
    assert "Officials later briefed" in panel.inner_text()
    panel.get_by_role("button", name="Make Sergey Lavrov a subject").click()
    page.wait_for_selector(".messagelist .success")
    assert "is now one of the story's ministers" in page.locator(".messagelist").inner_text()
    assert list(Article.objects.get(pk=article.pk).ministers.all()) == [lavrov]
    assert page.locator(".mention-list > li", has_text="Sergey Lavrov").count() == 0
