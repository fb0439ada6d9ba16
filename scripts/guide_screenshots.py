"""Regenerate the user guides' screenshots from the browser tests.

Runs the three browser tests that walk the roles' flows (they save each
screen a guide shows with ``tests.browser.save_guide_screenshot``) and copies
the PNGs into ``docs/guide/img/``. Usage::

    .venv/bin/python scripts/guide_screenshots.py      # or: make guide-screenshots

Needs Debian's Chromium and axe-core, as every browser test does. The copy
is made even when a test fails (its earlier screens are still current); the
exit code is then pytest's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE_IMAGES = ROOT / "docs" / "guide" / "img"
TESTS = (
    "tests/portal_site/test_empty_install_nok_browser.py",
    "tests/portal_site/test_empty_install_decade_browser.py",
    "tests/portal_site/test_plan_flow_browser.py",
)


def main() -> int:
    artefacts = Path(tempfile.mkdtemp(prefix="qp-guide-"))
    env = {
        **os.environ,
        "QP_TEST_ARTEFACTS": str(artefacts),
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.test",
    }
    pytest = [sys.executable, "-m", "pytest", "-q", *TESTS]
    code = subprocess.call(pytest, cwd=ROOT, env=env)
    shots = sorted((artefacts / "guide").glob("*.png"))
    GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
    for shot in shots:
        shutil.copy2(shot, GUIDE_IMAGES / shot.name)
    print(
        f"Снимков экрана скопировано в {GUIDE_IMAGES.relative_to(ROOT)}: {len(shots)}"
    )
    shutil.rmtree(artefacts, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
