"""Helpers for browser tests: axe-core accessibility checks and screenshots.

axe-core comes from npm (``package.json`` at the repository root); the test
runner installs it and the ``axe_script`` fixture hands its source text here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The WCAG 2.1 A and AA rules: what the portal promises (best-practice rules
# such as ``region`` are advice, not a failure).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SHOWN_NODES = 3

_RUN_AXE = """
(tags) => window.axe.run(document, {runOnly: {type: 'tag', values: tags}})
    .then((results) => results.violations)
"""


def run_axe(
    page: Page,
    axe_source: str,
    *,
    impacts: Iterable[str] = ("serious", "critical"),
) -> list[dict]:
    """Run axe-core on the page's current document.

    Args:
        page: a Playwright ``Page`` with the document to check loaded.
        axe_source: the text of ``axe.min.js``.
        impacts: the impact levels to report (axe's ``minor``, ``moderate``,
            ``serious``, ``critical``).

    Returns:
        axe's violation objects (``id``, ``impact``, ``help``, ``helpUrl``,
        ``nodes`` …) whose impact is one of ``impacts``.
    """
    # A navigation drops window.axe, so this injects once per page load.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        _inject(page, axe_source)
    violations = page.evaluate(_RUN_AXE, list(AXE_TAGS))
    wanted = set(impacts)
    return [violation for violation in violations if violation["impact"] in wanted]


#: Where axe-core seems to come from on a page of the site under test.
AXE_PATH = "/__test__/axe.min.js"


def _inject(page: Page, axe_source: str) -> None:
    """Load axe-core into the page without breaking its Content-Security-Policy.

    The site refuses inline scripts, so on its pages axe is served, through
    Playwright's routing, as a same-origin file; a page set with
    ``set_content`` has no policy and takes it inline.
    """
    parts = page.url.split("/")
    if parts[0] not in {"http:", "https:"}:
        page.add_script_tag(content=axe_source)
        return
    url = "/".join(parts[:3]) + AXE_PATH
    page.route(
        url,
        lambda route: route.fulfill(
            body=axe_source, content_type="application/javascript; charset=utf-8"
        ),
    )
    try:
        page.add_script_tag(url=url)
    finally:
        page.unroute(url)


def format_violations(violations: list[dict]) -> str:
    """Describe axe violations for an assertion message, a few nodes per rule."""
    if not violations:
        return "no axe violations"
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        nodes = violation.get("nodes", [])
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} "
            f"({len(nodes)} node(s); {violation.get('helpUrl', '')})"
        )
        for node in nodes[:SHOWN_NODES]:
            target = ", ".join(_selector(part) for part in node.get("target", []))
            lines.append(f"    {target}: {node.get('html', '').strip()[:200]}")
        if len(nodes) > SHOWN_NODES:
            lines.append(f"    … and {len(nodes) - SHOWN_NODES} more")
    return "\n".join(lines)


def _selector(part: str | list[str]) -> str:
    # Targets inside iframes or shadow DOM are lists of selectors.
    return part if isinstance(part, str) else " >> ".join(part)


def save_screenshot(page: Page, artefacts_dir: Path, name: str) -> Path:
    """Save a full-page PNG of the page as ``<artefacts_dir>/<name>.png``."""
    path = Path(artefacts_dir) / (name if name.endswith(".png") else f"{name}.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


#: Where the browser tests leave the user guides' screenshots, by stable name
#: (``make guide-screenshots`` copies them into ``docs/guide/img/``).
GUIDE_SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "test-artefacts"


def guide_screenshots_dir() -> Path:
    """``$QP_TEST_ARTEFACTS/guide`` (default ``var/test-artefacts/guide``)."""
    import os

    root = os.environ.get("QP_TEST_ARTEFACTS", "").strip()
    return (Path(root) if root else GUIDE_SCREENSHOTS) / "guide"


def save_guide_screenshot(page: Page, name: str) -> Path:
    """Save a PNG of the whole page as ``<guide dir>/<name>.png``.

    ``name`` is the stable name a guide in ``docs/guide/`` refers to as
    ``img/<name>.png``; a later run overwrites it, so the guides follow the
    screens.
    """
    path = guide_screenshots_dir() / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Wagtail's admin scrolls inside its layout, not the document, so a
    # full-page shot would stop at the window: grow the window to the
    # content for the shot (within a bound), then restore it.
    size = page.viewport_size or {"width": 1280, "height": 720}
    height = page.evaluate(_CONTENT_HEIGHT)
    tall = min(max(int(height), size["height"]), GUIDE_MAX_HEIGHT)
    page.set_viewport_size({"width": size["width"], "height": tall})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


#: The tallest guide screenshot, in CSS pixels.
GUIDE_MAX_HEIGHT = 2400
_CONTENT_HEIGHT = """
() => Math.max(
    document.documentElement.scrollHeight,
    ...[...document.querySelectorAll("main, .content-wrapper, .content")]
        .map((element) => element.scrollHeight + element.getBoundingClientRect().top)
)
"""
