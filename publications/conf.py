"""Settings of the publications app: ``publications_settings``.

One :class:`evaluation.conf.AppSettings` object (DRF's ``APISettings``
pattern): defaults stated once here, attribute access
(``publications_settings.PAGE_CACHE_SECONDS``), reloaded when a setting
changes. Values come from the flat settings deployments use
(``QP_PAGE_CACHE_SECONDS``, …), then the ``QP_PUBLICATIONS`` dict, then these
defaults.
"""

from pathlib import Path
from typing import Any

from evaluation.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    # How long rendered public page content stays cached, seconds (0: off).
    "PAGE_CACHE_SECONDS": 600,
    # Where citizens rate an organisation on the federal site (``{inn}``).
    "BUS_GOV_SEARCH_URL": "https://bus.gov.ru/search?searchString={inn}",
    # TrueType fonts with Cyrillic for social preview images, first found wins.
    "SOCIAL_FONTS": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ),
    # Working days the public council has for a document sent for review.
    "COUNCIL_REVIEW_WORKING_DAYS": 10,
    # Where the user guides of the admin's «Помощь» are (the checkout's docs/guide).
    "GUIDE_DIR": Path(__file__).resolve().parent.parent / "docs" / "guide",
    # Results reports of more organisations than this are built in the background.
    "DOCUMENT_BACKGROUND_ORGANISATIONS": 300,
}

#: The publications app's settings: ``publications_settings.PAGE_CACHE_SECONDS``.
publications_settings = AppSettings(
    "QP_PUBLICATIONS",
    DEFAULTS,
    aliases={name: f"QP_{name}" for name in DEFAULTS},
    casts={
        "PAGE_CACHE_SECONDS": int,
        "BUS_GOV_SEARCH_URL": str,
        "SOCIAL_FONTS": lambda paths: tuple(str(path) for path in paths),
        "COUNCIL_REVIEW_WORKING_DAYS": int,
        "GUIDE_DIR": Path,
        "DOCUMENT_BACKGROUND_ORGANISATIONS": int,
    },
)
