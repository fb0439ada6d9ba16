"""Website monitoring: the check-list and an optional automatic checker.

The check-list is what an organisation's official website must publish under
the order of the Ministry of Labour of 17.11.2014 No 886н (indicator 1.1 of the
method), the remote feedback channels counted for indicator 1.2, and a working
link to an online questionnaire (target indicator 2 of seed 001).

:func:`check_site` fetches a site's page and the pages it links to on the same
host, looks for the sections by their usual headings and for a questionnaire
link, and follows that link to see that it answers. Standard library only;
every request has a timeout and a size cap, and only http(s) addresses on the
site's own host are followed (plus the questionnaire link itself). No ORM.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: (code, Russian label, pattern that finds the section in a page's text).
SITE_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("registration", "Дата государственной регистрации", r"государственн\w* регистрац"),
    ("founder", "Учредитель (учредители)", r"учредител"),
    ("location", "Место нахождения, филиалы", r"мест\w* нахождени|адрес\w* организац"),
    ("schedule", "Режим и график работы", r"режим\w* работы|график\w* работы"),
    ("structure", "Структура и органы управления", r"структур\w* и орган\w* управлени"),
    (
        "services",
        "Формы обслуживания и виды социальных услуг",
        r"виды социальных услуг|форм\w* социального обслуживания",
    ),
    (
        "conditions",
        "Порядок и условия предоставления услуг, тарифы",
        r"порядок и услови\w* предоставлени|тариф",
    ),
    (
        "recipients",
        "Численность получателей социальных услуг",
        r"численност\w* получател",
    ),
    ("vacancies", "Количество свободных мест", r"свободн\w* мест"),
    ("volume", "Объём предоставляемых социальных услуг", r"объем\w* предоставляем"),
    ("management", "Руководитель и его заместители", r"руководител\w*|руководство"),
    (
        "staff",
        "Персональный состав работников",
        r"персональн\w* состав|состав работник",
    ),
    ("facilities", "Материально-техническое обеспечение", r"материально-техническ"),
    ("licences", "Лицензии", r"лицензи"),
    ("finance", "Финансово-хозяйственная деятельность", r"финансово-хозяйственн"),
    ("rules", "Правила внутреннего распорядка", r"правила внутреннего распорядка"),
    (
        "inspections",
        "Предписания органов контроля и отчёты об их исполнении",
        r"предписани",
    ),
    ("assessment", "Независимая оценка качества", r"независим\w* оценк"),
)
SITE_ITEM_CODES = tuple(code for code, _, _ in SITE_ITEMS)
SITE_ITEM_CHOICES = tuple((code, label) for code, label, _ in SITE_ITEMS)

#: Remote channels of indicator 1.2 (METHOD.md §1): code and Russian label.
CHANNELS: tuple[tuple[str, str], ...] = (
    ("phone", "Телефон"),
    ("email", "Электронная почта"),
    ("appeal_form", "Электронная форма обращения"),
    ("faq", "Раздел «Часто задаваемые вопросы»"),
    ("survey", "Анкета для опроса граждан или ссылка на неё"),
    ("other", "Иной дистанционный способ"),
)
CHANNEL_CODES = tuple(code for code, _ in CHANNELS)

TIMEOUT = 10.0  # seconds per request
MAX_BYTES = 2 * 1024 * 1024  # per page
MAX_PAGES = 12  # the home page and this many linked pages at most
USER_AGENT = "QualityPortal-SiteCheck/1.0"

_QUESTIONNAIRE = re.compile(
    r"анкет|\bопрос|оценить качество|оставить отзыв",
    re.IGNORECASE,
)
_SECTION_LINK = re.compile(
    r"сведени|об организаци|о нас|документ|услуг|руководств|структур|контакт|"
    r"обращени|вопрос|независим|оценк|финанс",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?:\+7|8)[\s(-]*\d{3,5}[\s)-]*\d[\d\s-]{4,}")


class CheckError(Exception):
    """The site could not be checked (Russian message)."""


@dataclass
class Page:
    """A fetched page: final address, HTTP status and decoded text (HTML)."""

    url: str
    status: int
    html: str


Fetcher = Callable[[str], Page]


def fetch_page(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    allow_private: bool = False,
) -> Page:
    """GET one http(s) page with a timeout and a size cap.

    Unless ``allow_private`` (tests against a local server), addresses that
    resolve to loopback, private or link-local networks are refused, also
    after a redirect, so an address typed into the registry cannot make the
    portal probe its own network.

    Raises:
        CheckError: bad scheme, internal address, network error, HTTP error
            or a page too large.
    """
    _check_address(url, allow_private)
    opener = urllib.request.build_opener(_Redirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 (scheme checked)
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise CheckError(
                    f"Страница «{url}» больше {max_bytes // 1024} КБ; проверка прервана."
                )
            charset = response.headers.get_content_charset() or _meta_charset(body)
            return Page(response.geturl(), response.status, _decode(body, charset))
    except urllib.error.HTTPError as error:
        raise CheckError(f"Страница «{url}» ответила ошибкой {error.code}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, CheckError):
            raise reason from None
        raise CheckError(f"Не удалось открыть «{url}»: {reason}.") from None


def _check_address(url: str, allow_private: bool) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CheckError(f"Адрес «{url}» не начинается с http:// или https://.")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None)
    except OSError:
        raise CheckError(f"Не удалось найти сайт «{parts.hostname}».") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise CheckError(
                f"Адрес «{url}» ведёт во внутреннюю сеть; проверяются только "
                "общедоступные сайты."
            )


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to addresses :func:`_check_address` accepts."""

    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_address(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _meta_charset(body: bytes) -> str | None:
    match = re.search(rb"charset=[\"']?([\w-]+)", body[:2048], re.IGNORECASE)
    return match.group(1).decode("ascii") if match else None


def _decode(body: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8", "cp1251"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


class _Parser(HTMLParser):
    """Visible text, links (href, text) and whether a form has a text area."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.has_appeal_form = False
        self._href: str | None = None
        self._link_text: list[str] = []
        self._skip = 0
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "a":
            self._href = values.get("href") or ""
            self._link_text = []
        elif tag == "form":
            self._in_form = True
        elif tag == "textarea" and self._in_form:
            self.has_appeal_form = True

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join(self._link_text).strip()))
            self._href = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._href is not None:
            self._link_text.append(data.strip())


@dataclass
class Findings:
    """What the checker found on a site."""

    url: str
    items: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    questionnaire_url: str = ""
    questionnaire_ok: bool = False
    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def notes(self) -> str:
        """A Russian summary for the check's notes."""
        lines = [f"Проверено страниц: {len(self.pages)}."]
        missing = [label for code, label, _ in SITE_ITEMS if code not in self.items]
        if missing:
            lines.append("Не найдены сведения: " + "; ".join(missing) + ".")
        lines.extend(self.problems)
        return "\n".join(lines)


def check_site(
    url: str, *, fetch: Fetcher = fetch_page, max_pages: int = MAX_PAGES
) -> Findings:
    """Check a website: 886н sections, remote channels, questionnaire link.

    Raises:
        CheckError: the home page itself cannot be fetched.
    """
    home = fetch(url)
    host = urllib.parse.urlsplit(home.url).netloc
    findings = Findings(url=home.url)
    text_parts: list[str] = []
    queue = [home]
    seen = {_strip_fragment(home.url)}
    links: list[tuple[str, str]] = []
    has_form = False
    while queue:
        page = queue.pop(0)
        findings.pages.append(page.url)
        parser = _Parser()
        parser.feed(page.html)
        text_parts.append(" ".join(parser.text))
        has_form = has_form or parser.has_appeal_form
        for href, label in parser.links:
            absolute = _strip_fragment(urllib.parse.urljoin(page.url, href))
            links.append((absolute, label))
            if (
                page is home
                and absolute not in seen
                and urllib.parse.urlsplit(absolute).netloc == host
                and urllib.parse.urlsplit(absolute).scheme in ("http", "https")
                and _SECTION_LINK.search(label or absolute)
                and len(seen) <= max_pages
            ):
                seen.add(absolute)
                try:
                    queue.append(fetch(absolute))
                except CheckError as error:
                    findings.problems.append(str(error))
    text = re.sub(r"\s+", " ", " ".join(text_parts)).replace("ё", "е")
    findings.items = [
        code
        for code, _, pattern in SITE_ITEMS
        if re.search(pattern, text, re.IGNORECASE)
    ]
    findings.channels = _channels(text, links, has_form)
    _questionnaire(findings, links, fetch)
    if findings.questionnaire_ok and "survey" not in findings.channels:
        findings.channels.append("survey")
    findings.channels = [code for code in CHANNEL_CODES if code in findings.channels]
    return findings


def _strip_fragment(url: str) -> str:
    return urllib.parse.urldefrag(url)[0]


def _channels(text: str, links: list[tuple[str, str]], has_form: bool) -> list[str]:
    hrefs = [href.lower() for href, _ in links]
    found = []
    if any(href.startswith("tel:") for href in hrefs) or _PHONE.search(text):
        found.append("phone")
    if any(href.startswith("mailto:") for href in hrefs) or _EMAIL.search(text):
        found.append("email")
    if has_form or re.search(r"интернет-приемн|электронн\w* обращени", text, re.I):
        found.append("appeal_form")
    if re.search(r"часто задаваем\w* вопрос|вопрос-ответ", text, re.I):
        found.append("faq")
    if re.search(r"онлайн-консультант|чат-бот|обратн\w* звон", text, re.I):
        found.append("other")
    return found


def _questionnaire(
    findings: Findings, links: list[tuple[str, str]], fetch: Fetcher
) -> None:
    for href, label in links:
        if urllib.parse.urlsplit(href).scheme not in ("http", "https"):
            continue
        if _QUESTIONNAIRE.search(label) or _QUESTIONNAIRE.search(href):
            findings.questionnaire_url = href
            try:
                page = fetch(href)
            except CheckError as error:
                findings.problems.append(f"Ссылка на анкету не работает: {error}")
                continue
            if 200 <= page.status < 300:
                findings.questionnaire_ok = True
                return
    if not findings.questionnaire_url:
        findings.problems.append("Ссылка на анкету для оценки качества не найдена.")
