"""Settings of the publications app, namespaced and defaulted."""

from django.conf import settings


def page_cache_seconds() -> int:
    """How long rendered page content stays cached (``QP_PAGE_CACHE_SECONDS``)."""
    return int(getattr(settings, "QP_PAGE_CACHE_SECONDS", 600))


def bus_gov_search_url() -> str:
    """Where citizens rate an organisation on the federal site (``{inn}``)."""
    return str(
        getattr(
            settings,
            "QP_BUS_GOV_SEARCH_URL",
            "https://bus.gov.ru/search?searchString={inn}",
        )
    )


def social_font_paths() -> list[str]:
    """TrueType fonts with Cyrillic for preview images, first found wins."""
    return list(
        getattr(
            settings,
            "QP_SOCIAL_FONTS",
            [
                "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
                "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            ],
        )
    )


def council_review_working_days() -> int:
    """Working days the council has for a review (``QP_COUNCIL_REVIEW_WORKING_DAYS``)."""
    return int(getattr(settings, "QP_COUNCIL_REVIEW_WORKING_DAYS", 10))


def guide_dir():
    """Where the user guides are (``QP_GUIDE_DIR``; default the repository's docs/guide)."""
    from pathlib import Path

    default = Path(__file__).resolve().parent.parent / "docs" / "guide"
    return Path(getattr(settings, "QP_GUIDE_DIR", default))
