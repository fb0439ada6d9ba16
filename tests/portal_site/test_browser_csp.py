"""The Content-Security-Policy in Chromium: no page the site serves breaks it.

Every ``securitypolicyviolation`` event is recorded by a script Playwright
injects before the page's own (injected scripts are not subject to the
policy), on public pages, the framed widget, the API documentation and the
Wagtail admin.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.portal_site.test_browser_a11y import home_site  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def violations(page) -> list[str]:
    found = []
    for frame in page.frames:
        found += frame.evaluate("() => window.__cspViolations || []")
    return found


def visit(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    return violations(page)


def test_public_pages_and_the_admin_run_within_their_policies(
    home_site,  # noqa: F811 - a transactional test before may have emptied it
    browser_page,
    live_server,
    django_user_model,
) -> None:
    from tests.factories.region import build_region

    region = build_region(organisations=4, responses=40)
    organisation = region.organisations[0]
    page = browser_page
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    base = live_server.url
    slug = {"slug": organisation.slug}
    public = [
        "/",
        region.results_page.url,
        region.decade_page.url,
        region.directory.card_url(organisation, region.latest),
        reverse("publications:widget-embed", kwargs=slug),
        reverse("publications:widget", kwargs=slug),
        "/search/?q=центр",
    ]
    # The recorder works: a style attribute written by a script is refused.
    assert visit(page, base + "/") == []
    page.evaluate("() => document.body.setAttribute('style', 'color: red')")
    assert [v for v in violations(page) if v.startswith("style-src")]
    console.clear()

    for path in public:
        assert visit(page, base + path) == [], path

    # Swagger UI renders the schema with the split view's script.
    assert visit(page, base + "/api/docs/") == []
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Портал качества")
    assert violations(page) == []

    django_user_model.objects.create_superuser("csp-admin", "a@example.org", "pw")
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", "csp-admin")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")
    assert violations(page) == []
    edit = reverse("wagtailadmin_pages:edit", args=[region.results_page.pk])
    assert visit(page, base + edit) == [], edit
    expect(page.locator("[data-side-panel-toggle='preview']")).to_have_count(1)
    assert visit(page, base + "/django-admin/") == []
    assert console == []
