"""One settings object per app, in the pattern of DRF's ``APISettings``.

:class:`AppSettings` is the only way app code reads its settings (STYLE.md §2):
every setting has one default, stated once in the app's ``conf.py``, and is
read as an attribute (``evaluation_settings.IMPORT_MAX_BYTES``). A value comes
from, in this order:

1. the flat Django setting deployments already use, where the setting has one
   (``QP_IMPORT_MAX_BYTES``; ``aliases``);
2. the app's namespaced dict (``QP_EVALUATION["IMPORT_MAX_BYTES"]``);
3. the default.

Values are converted once (``casts``) and cached; Django's ``setting_changed``
signal (sent by ``override_settings`` and pytest-django's ``settings``
fixture) drops the cache when the namespace or an alias changes. A key in the
namespaced dict that the app does not know, or a value that cannot be
converted, raises ``ImproperlyConfigured`` naming the setting.

This module is in the lowest layer, so the apps above build their objects
from the same class: ``publications_settings`` and ``search_settings``
(``cms_blocks`` reads no settings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.crypto import salted_hmac

MEGABYTE = 1024 * 1024


class AppSettings:
    """The settings of one app: defaults, user values, attribute access.

    Args:
        namespace: The Django setting holding the app's dict (``QP_EVALUATION``).
        defaults: Every setting the app has, with its default.
        aliases: Setting name → the flat Django setting that also sets it
            (the names deployments used before the namespace).
        casts: Setting name → a function converting the user's value
            (``int``, ``str``, …); a default is converted the same way.
    """

    def __init__(
        self,
        namespace: str,
        defaults: Mapping[str, Any],
        *,
        aliases: Mapping[str, str] | None = None,
        casts: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        self._namespace = namespace
        self._defaults = dict(defaults)
        self._aliases = dict(aliases or {})
        self._casts = dict(casts or {})
        unknown = (set(self._aliases) | set(self._casts)) - set(self._defaults)
        if unknown:
            raise ImproperlyConfigured(
                f"{namespace}: у настроек {', '.join(sorted(unknown))} нет значения "
                "по умолчанию."
            )
        self._watched = {namespace, *self._aliases.values()}
        self._cached: set[str] = set()
        # A weak reference: an object that goes away (one made in a test) stops
        # listening; the apps' objects live as long as their modules.
        setting_changed.connect(self._setting_changed)

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def defaults(self) -> dict[str, Any]:
        """Every setting and its default (a copy)."""
        return dict(self._defaults)

    def _user_settings(self) -> Mapping[str, Any]:
        configured = getattr(django_settings, self._namespace, None) or {}
        if not isinstance(configured, Mapping):
            raise ImproperlyConfigured(
                f"Настройка {self._namespace} должна быть словарём, а не "
                f"{type(configured).__name__}."
            )
        unknown = sorted(set(configured) - set(self._defaults))
        if unknown:
            raise ImproperlyConfigured(
                f"В {self._namespace} неизвестные ключи: {', '.join(unknown)}. "
                f"Допустимы: {', '.join(sorted(self._defaults))}."
            )
        return configured

    def __getattr__(self, name: str) -> Any:
        # Only called for names not cached yet (cached ones are attributes).
        if name.startswith("_") or name not in self._defaults:
            raise AttributeError(f"{self._namespace}: нет настройки {name!r}")
        alias = self._aliases.get(name)
        if alias is not None and hasattr(django_settings, alias):
            value, source = getattr(django_settings, alias), alias
        else:
            configured = self._user_settings()
            if name in configured:
                value = configured[name]
                source = f'{self._namespace}["{name}"]'
            else:
                value, source = self._defaults[name], None
        cast = self._casts.get(name)
        if cast is not None:
            try:
                value = cast(value)
            except (TypeError, ValueError) as error:
                raise ImproperlyConfigured(
                    f"Настройка {source or name}: недопустимое значение "
                    f"{value!r} ({error})."
                ) from None
        setattr(self, name, value)
        self._cached.add(name)
        return value

    def reload(self) -> None:
        """Forget the cached values (after the settings changed)."""
        for name in self._cached:
            self.__dict__.pop(name, None)
        self._cached.clear()

    def _setting_changed(self, *, setting: str, **kwargs: Any) -> None:
        if setting in self._watched:
            self.reload()


# --------------------------------------------------------------------------
# The evaluation app: ``QP_EVALUATION``

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
    "NOTE_IMAGE_MAX_BYTES": 10 * MEGABYTE,
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
    # Spreadsheet imports: the largest file, the most rows of a sheet, the
    # largest uncompressed size of a workbook (zip-bomb guard), the most cells
    # of a sheet's used area, and the size from which a file is checked and
    # imported as a background task.
    "IMPORT_MAX_BYTES": 20 * MEGABYTE,
    "IMPORT_MAX_ROWS": 200_000,
    "IMPORT_MAX_UNCOMPRESSED": 512 * MEGABYTE,
    "IMPORT_MAX_CELLS": 10_000_000,
    "IMPORT_BACKGROUND_BYTES": 2 * MEGABYTE,
    # The largest other private upload (answers to instructions, evidence,
    # attachments).
    "UPLOAD_MAX_BYTES": 20 * MEGABYTE,
    # Behind nginx: an ``internal`` location aliasing the private files' root;
    # the app checks the policy and nginx sends the bytes (X-Accel-Redirect).
    "PRIVATE_FILES_ACCEL": "",
}

_INTEGERS = (
    "QUESTIONNAIRE_TRUSTED_PROXIES",
    "QUESTIONNAIRE_MIN_SECONDS",
    "QUESTIONNAIRE_MAX_AGE",
    "QUESTIONNAIRE_IP_LIMIT",
    "QUESTIONNAIRE_ORGANISATION_LIMIT",
    "QUESTIONNAIRE_RATE_WINDOW",
    "QUESTIONNAIRE_DUPLICATE_WINDOW",
    "QUESTIONNAIRE_IP_HASH_KEEP",
    "NOTE_IMAGE_MAX_EDGE",
    "NOTE_IMAGE_MAX_BYTES",
    "NOTE_IMAGE_MAX_PIXELS",
    "REMINDER_DAYS_BEFORE",
    "REMINDER_DAYS_AFTER",
    "REMINDER_REPEAT_EVERY",
    "REMINDER_MAX_OVERDUE",
    "IMPORT_MAX_BYTES",
    "IMPORT_MAX_ROWS",
    "IMPORT_MAX_UNCOMPRESSED",
    "IMPORT_MAX_CELLS",
    "IMPORT_BACKGROUND_BYTES",
    "UPLOAD_MAX_BYTES",
)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


#: The evaluation app's settings: ``evaluation_settings.IMPORT_MAX_BYTES``.
evaluation_settings = AppSettings(
    "QP_EVALUATION",
    DEFAULTS,
    aliases={
        name: f"QP_{name}"
        for name in (
            "IMPORT_MAX_BYTES",
            "IMPORT_MAX_ROWS",
            "IMPORT_MAX_UNCOMPRESSED",
            "IMPORT_MAX_CELLS",
            "IMPORT_BACKGROUND_BYTES",
            "PRIVATE_FILES_ACCEL",
        )
    },
    casts={
        **dict.fromkeys(_INTEGERS, int),
        "QUESTIONNAIRE_IP_SALT": _text,
        "PRIVATE_FILES_ACCEL": _text,
        "REMINDER_EDITOR_DIGEST": bool,
        "NOTE_THEME_KEYWORDS": lambda value: dict(value or {}),
    },
)


def ip_salt() -> bytes:
    """The salt of IP hashes: the configured one, or one derived from SECRET_KEY."""
    configured = evaluation_settings.QUESTIONNAIRE_IP_SALT
    if configured:
        return configured.encode()
    return salted_hmac(
        "qp.evaluation.questionnaire.ip-salt", "derive", algorithm="sha256"
    ).digest()
