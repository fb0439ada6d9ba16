"""The demo plan page in Chromium: axe-core's WCAG 2.1 A/AA rules."""

from __future__ import annotations

import pytest
from wagtail.models import Collection

from tests.browser import format_violations, run_axe
from tests.factories.region import build_region
from tests.portal_site.test_browser_a11y import home_site  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("home_site")
def test_plan_page_has_no_serious_axe_violations(
    browser_page, live_server, axe_script
) -> None:
    if Collection.get_first_root_node() is None:  # emptied by an earlier flush
        Collection.add_root(name="Root")
    build_region(organisations=8, responses=80)
    page = browser_page
    response = page.goto(f"{live_server.url}/ocenka/plan-nok/")
    assert response is not None and response.status == 200
    assert page.locator(".block--regional-plan tbody tr").count() == 26
    assert page.locator(".block--plan-targets svg[role=img]").count() == 2
    violations = run_axe(page, axe_script)
    assert violations == [], format_violations(violations)
