"""Settings of the evaluation app, namespaced in ``QP_EVALUATION`` and defaulted.

App code reads its settings only through these functions (STYLE.md §2).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

DEFAULTS: dict[str, Any] = {
    # A secret salt for hashing respondents' IP addresses. Empty: derived from
    # SECRET_KEY with its own key salt (never the bare SECRET_KEY).
    "QUESTIONNAIRE_IP_SALT": "",
    # How many proxies in front of the app append to X-Forwarded-For; 0 means
    # the header is not trusted and REMOTE_ADDR is the client.
    "QUESTIONNAIRE_TRUSTED_PROXIES": 0,
    # Seconds a person needs at least to fill the questionnaire.
    "QUESTIONNAIRE_MIN_SECONDS": 15,
    # Seconds a form stays valid after it was issued.
    "QUESTIONNAIRE_MAX_AGE": 24 * 60 * 60,
    # Accepted questionnaires per IP address within the rate window.
    "QUESTIONNAIRE_IP_LIMIT": 20,
    # Accepted questionnaires per organisation within the rate window.
    "QUESTIONNAIRE_ORGANISATION_LIMIT": 300,
    # The window of both rate limits, seconds.
    "QUESTIONNAIRE_RATE_WINDOW": 60 * 60,
    # Same answers from the same network within this many seconds are flagged.
    "QUESTIONNAIRE_DUPLICATE_WINDOW": 30 * 60,
    # IP hashes are erased this many seconds after the submission.
    "QUESTIONNAIRE_IP_HASH_KEEP": 2 * 24 * 60 * 60,
    # Images attached to explanatory notes: the longest edge after resizing,
    # the largest upload in bytes, and the most pixels accepted (a guard
    # against decompression bombs).
    "NOTE_IMAGE_MAX_EDGE": 1600,
    "NOTE_IMAGE_MAX_BYTES": 10 * 1024 * 1024,
    "NOTE_IMAGE_MAX_PIXELS": 40_000_000,
    # Keywords (lower-case stems) that put a Q16 suggestion under a theme of
    # the explanatory note; a theme left out keeps its default list.
    "NOTE_THEME_KEYWORDS": {},
    # Deadline reminders (``send_deadline_reminders``), counted in working days
    # of the Russian production calendar. The first reminder goes this many
    # working days before a deadline (0: on the deadline day only).
    "REMINDER_DAYS_BEFORE": 3,
    # The first overdue reminder goes this many working days after a deadline
    # when the document is still missing.
    "REMINDER_DAYS_AFTER": 1,
    # Overdue reminders repeat every this many working days while the document
    # is missing (0: only once) ...
    "REMINDER_REPEAT_EVERY": 5,
    # ... but at most this many overdue reminders per document. Documents
    # missed longer ago than DAYS_AFTER + REPEAT_EVERY × MAX_OVERDUE working
    # days are not reminded of at all (editors chase them in the tracker).
    "REMINDER_MAX_OVERDUE": 3,
    # Editors (the "Редакторы" group) get a digest of the overdue reminders.
    "REMINDER_EDITOR_DIGEST": True,
}


def get(name: str) -> Any:
    """One setting of ``QP_EVALUATION`` (or its default).

    Raises:
        KeyError: ``name`` is not a known setting.
    """
    configured = getattr(settings, "QP_EVALUATION", None) or {}
    if name in configured:
        return configured[name]
    return DEFAULTS[name]


def ip_salt() -> bytes:
    """The salt of IP hashes: the configured one, or one derived from SECRET_KEY."""
    configured = str(get("QUESTIONNAIRE_IP_SALT") or "")
    if configured:
        return configured.encode()
    return salted_hmac(
        "qp.evaluation.questionnaire.ip-salt", "derive", algorithm="sha256"
    ).digest()
