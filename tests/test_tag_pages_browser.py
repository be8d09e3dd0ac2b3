"""Tag pages in a real browser: the country, minister, policy and bilateral pages with
their facts, a minister's photo and coverage charts have no axe (WCAG 2.1 AA) violation
at 360 and 1280 px, fit a phone's width, and draw the chart at a readable size."""

import pytest

from tests.accessibility import axe_violations, require_axe
from tests.factories import make_image
from tests.public_data import build_newsroom
from tests.test_csp_browser import visit, watched_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_tag_pages_with_charts_have_no_axe_violations(browser, live_server, screenshot_dir,
                                                      width):
    require_axe()
    room = build_newsroom(published=6)
    room.lavrov.photo = make_image("Sergey Lavrov at the lectern", width=800, height=1000)
    room.lavrov.save()
    paths = [room.india.get_absolute_url(), room.lavrov.get_absolute_url(),
             room.energy.get_absolute_url(), "/countries/india/russia/"]
    # Playwright injects axe as an inline script, which the site's policy would refuse.
    context, watch = watched_context(browser, live_server, bypass_csp=True,
                                     viewport={"width": width, "height": 900})
    page = context.new_page()
    for path in paths:
        visit(page, watch, live_server.url + path)
        chart = page.locator("svg.coverage__chart")
        box = chart.bounding_box()
        assert box["width"] >= 280 and box["height"] >= 120, path  # drawn, not squeezed
        assert page.locator(".coverage .visually-hidden table tbody tr").count() == 24
        page.screenshot(path=str(screenshot_dir / f"tag{path.replace('/', '-')}{width}.png"),
                        full_page=True)
        violations = axe_violations(page)
        assert violations == [], f"{path}: " + "\n".join(violations)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    context.close()
