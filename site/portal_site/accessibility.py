"""Version for the visually impaired (ГОСТ Р 52872-2019): settings, cookie, view.

A visitor's choices live in one cookie, ``qp_a11y``, written as
``font:l.scheme:wb.spacing:wide.lines:normal.images:off``. The cookie is
parsed on every request and never trusted: unknown keys are ignored, unknown
values fall back to the default, and an over-long value is dropped whole.
The mode is on while the cookie exists; "Обычная версия" deletes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

COOKIE_NAME: Final = "qp_a11y"
COOKIE_MAX_AGE: Final = 365 * 24 * 60 * 60
# A valid value is under 70 characters; anything much longer is not ours.
MAX_COOKIE_LENGTH: Final = 200
RESET_FIELD: Final = "reset"


@dataclass(frozen=True)
class Option:
    """One value of a setting, with the texts the form and the panel show."""

    value: str
    label: str | Promise
    # The panel's visible text and the rest of the button's accessible name.
    short: str | Promise
    hint: str | Promise = ""


@dataclass(frozen=True)
class Setting:
    """One setting of the mode: a fieldset in the form, a group in the panel."""

    name: str
    legend: str | Promise
    options: tuple[Option, ...]
    in_panel: bool

    @property
    def default(self) -> str:
        return self.options[0].value

    @property
    def values(self) -> frozenset[str]:
        return frozenset(option.value for option in self.options)


#: Letter and line spacing: the same two choices.
_SPACING: Final[tuple[Option, ...]] = (
    Option("normal", _("Обычный"), _("Обычный")),
    Option("wide", _("Увеличенный"), _("Увеличенный")),
)

SETTINGS: Final[tuple[Setting, ...]] = (
    Setting(
        "font",
        _("Размер шрифта"),
        (
            Option("normal", _("Обычный"), "А", _("обычный размер шрифта")),
            Option("l", _("Крупный"), "А+", _("крупный размер шрифта")),
            Option("xl", _("Очень крупный"), "А++", _("очень крупный размер шрифта")),
        ),
        in_panel=True,
    ),
    Setting(
        "scheme",
        _("Цветовая схема"),
        (
            Option("normal", _("Обычная"), _("Обычные цвета")),
            Option("bw", _("Чёрным по белому"), _("Чёрным по белому")),
            Option("wb", _("Белым по чёрному"), _("Белым по чёрному")),
            Option("blue", _("Тёмно-синим по голубому"), _("Синим по голубому")),
        ),
        in_panel=True,
    ),
    Setting(
        "spacing",
        _("Межбуквенный интервал"),
        _SPACING,
        in_panel=False,
    ),
    Setting(
        "lines",
        _("Межстрочный интервал"),
        _SPACING,
        in_panel=False,
    ),
    Setting(
        "images",
        _("Изображения"),
        (
            Option("on", _("Показывать"), _("вкл"), _("показывать изображения")),
            Option("off", _("Скрыть"), _("выкл"), _("скрыть изображения")),
        ),
        in_panel=True,
    ),
)
_BY_NAME: Final = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Choice:
    """An option as the templates see it: with whether it is the current one."""

    value: str
    label: str | Promise
    short: str | Promise
    hint: str | Promise
    selected: bool


@dataclass(frozen=True)
class ChoiceGroup:
    """A setting as the templates see it."""

    name: str
    legend: str | Promise
    in_panel: bool
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class A11ySettings:
    """The visitor's settings; every field holds one of its ``SETTINGS`` values."""

    enabled: bool = False
    font: str = "normal"
    scheme: str = "normal"
    spacing: str = "normal"
    lines: str = "normal"
    images: str = "on"

    @classmethod
    def from_cookie(cls, raw: str | None) -> A11ySettings:
        """Parse a cookie value; absent means off, anything unknown is a default."""
        if raw is None:
            return cls()
        values: dict[str, str] = {}
        if len(raw) <= MAX_COOKIE_LENGTH:
            for pair in raw.split("."):
                name, _sep, value = pair.partition(":")
                setting = _BY_NAME.get(name)
                if setting is not None and value in setting.values:
                    values[name] = value
        return cls(enabled=True, **values)

    @classmethod
    def from_request(cls, request: HttpRequest | None) -> A11ySettings:
        """The settings of the request's visitor (off without a request)."""
        if request is None:
            return cls()
        return cls.from_cookie(request.COOKIES.get(COOKIE_NAME))

    def to_cookie(self) -> str:
        """The compact cookie value for these settings."""
        return ".".join(f"{s.name}:{getattr(self, s.name)}" for s in SETTINGS)

    def updated(self, data: Mapping[str, str]) -> A11ySettings:
        """These settings with the valid values of ``data`` applied, turned on.

        Names missing from ``data`` keep their current value, so the panel can
        send one setting at a time; invalid values are ignored.
        """
        changes = {
            setting.name: data[setting.name]
            for setting in SETTINGS
            if data.get(setting.name) in setting.values
        }
        return replace(self, enabled=True, **changes)

    @property
    def css_classes(self) -> str:
        """Body classes for site.css, e.g. ``a11y a11y-font-l a11y-scheme-wb``."""
        if not self.enabled:
            return ""
        classes = ["a11y"]
        if self.font != "normal":
            classes.append(f"a11y-font-{self.font}")
        if self.scheme != "normal":
            classes.append(f"a11y-scheme-{self.scheme}")
        if self.spacing == "wide":
            classes.append("a11y-spacing-wide")
        if self.lines == "wide":
            classes.append("a11y-lines-wide")
        if self.images == "off":
            classes.append("a11y-images-off")
        return " ".join(classes)

    @property
    def groups(self) -> tuple[ChoiceGroup, ...]:
        """Every setting with its options, the current one marked ``selected``."""
        return tuple(
            ChoiceGroup(
                name=setting.name,
                legend=setting.legend,
                in_panel=setting.in_panel,
                choices=tuple(
                    Choice(
                        value=option.value,
                        label=option.label,
                        short=option.short,
                        hint=option.hint,
                        selected=getattr(self, setting.name) == option.value,
                    )
                    for option in setting.options
                ),
            )
            for setting in SETTINGS
        )


class HttpResponseSeeOther(HttpResponseRedirect):
    """A redirect after POST that the browser follows with GET."""

    status_code = 303


def safe_next_url(request: HttpRequest, url: str | None) -> str:
    """``url`` if it stays on this site, otherwise the home page."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def accessibility_settings(request: HttpRequest) -> HttpResponse:
    """Show the settings form (GET) or save or reset the settings (POST)."""
    current = A11ySettings.from_request(request)
    if request.method != "POST":
        return render(
            request,
            "portal_site/accessibility.html",
            {
                "groups": current.groups,
                "next_url": safe_next_url(request, request.GET.get("next")),
            },
        )

    response = HttpResponseSeeOther(safe_next_url(request, request.POST.get("next")))
    if RESET_FIELD in request.POST:
        response.delete_cookie(COOKIE_NAME, path="/", samesite="Lax")
    else:
        response.set_cookie(
            COOKIE_NAME,
            current.updated(request.POST).to_cookie(),
            max_age=COOKIE_MAX_AGE,
            path="/",
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


# Included from portal_site.urls as ``path("accessibility/", include(...))``.
urlpatterns = [path("", accessibility_settings, name="accessibility")]
