"""The API answers in Russian: DRF's own errors, throttling and Wagtail API v2."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle

from evaluation.api.errors import throttled_message
from portal_site.api import wagtail_api_message

pytestmark = pytest.mark.django_db

#: Latin words a Russian message may contain: names of methods, headers, formats.
LATIN_ALLOWED = {
    *("JSON", "PUT", "Accept", "application", "xml", "json", "multipart", "form"),
    *("data", "true", "false", "null", "UUID"),
}


def assert_russian(message: str) -> None:
    assert re.search("[а-яё]", message, flags=re.IGNORECASE), message
    latin = set(re.findall(r"[A-Za-z]{3,}", message)) - LATIN_ALLOWED
    assert not latin, f"English left in {message!r}: {sorted(latin)}"


@pytest.fixture
def token(django_user_model) -> dict[str, str]:
    user = django_user_model.objects.create_user("api-client", password="pw")
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 секунду"),
        (2, "2 секунды"),
        (4, "4 секунды"),
        (5, "5 секунд"),
        (11, "11 секунд"),
        (12, "12 секунд"),
        (21, "21 секунду"),
        (22, "22 секунды"),
        (60, "60 секунд"),
        (101, "101 секунду"),
        (111, "111 секунд"),
        (0.2, "1 секунду"),
        (59.1, "60 секунд"),
    ],
)
def test_throttle_message_agrees_with_the_number(seconds, text) -> None:
    assert (
        throttled_message(seconds) == f"Слишком много запросов. Повторите через {text}."
    )


def test_throttled_answer_is_fully_russian(
    client, monkeypatch, clean_cache, db
) -> None:
    rates = {**AnonRateThrottle.THROTTLE_RATES, "anon": "1/min"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    assert client.get("/api/v1/districts/").status_code == 200
    response = client.get("/api/v1/districts/")
    assert response.status_code == 429
    error = response.json()["error"]
    wait = error["retry_after"]
    assert 0 < wait <= 60
    assert error["message"] == throttled_message(wait)
    assert_russian(error["message"])
    assert "Expected" not in response.content.decode()
    # Wagtail API v2 goes through the same handler.
    v2 = client.get("/api/v2/pages/")
    assert v2.status_code == 429
    assert v2.json()["error"]["message"].startswith("Слишком много запросов.")


def test_calculator_limit_answers_in_russian(client, settings, clean_cache) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "calculator": "1/min",
        },
    }
    client.post("/api/v1/calculator/", {}, content_type="application/json")
    response = client.post("/api/v1/calculator/", {}, content_type="application/json")
    assert response.status_code == 429
    message = response.json()["error"]["message"]
    assert re.fullmatch(
        r"Слишком много запросов\. Повторите через \d+ секунд[уы]?\.", message
    )


def test_drf_errors_are_russian(client, token) -> None:
    cases = [
        # (method, path, body, content type, headers, status, message)
        ("post", "/api/v1/imports/", {}, None, {}, 401,
         "Учетные данные не были предоставлены."),
        ("get", "/api/v1/organisations/no-such-slug/", None, None, {}, 404,
         "Запись не найдена."),
        ("get", "/api/v1/organisations/?page=999", None, None, {}, 404,
         "Такой страницы нет."),
        ("put", "/api/v1/calculator/", {}, "application/json", {}, 405,
         "Метод PUT здесь не разрешён."),
        ("get", "/api/v1/organisations/", None, None,
         {"HTTP_ACCEPT": "application/xml"}, 406,
         "Нет ответа в формате, запрошенном заголовком Accept."),
        ("post", "/api/v1/imports/", "{}", "application/json", token, 415,
         "Неподдерживаемый тип содержимого запроса: «application/json»."),
        ("post", "/api/v1/imports/", "--x\r\nbroken", "multipart/form-data; boundary=",
         token, 400, "Не удалось разобрать тело запроса (multipart/form-data)."),
    ]  # fmt: skip
    for method, path, body, content_type, headers, status, message in cases:
        kwargs = {"content_type": content_type} if content_type else {}
        args = (path, body) if body is not None else (path,)
        response = getattr(client, method)(*args, **kwargs, **headers)
        assert response.status_code == status, (path, response.content[:300])
        error = response.json()["error"]
        assert error["message"] == message, (path, error)
        assert_russian(error["message"])


def test_validation_messages_are_russian(client, token) -> None:
    response = client.post("/api/v1/imports/", {"dry_run": "maybe"}, **token)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Запрос содержит ошибки."
    fields = error["fields"]
    assert set(fields) == {"form", "file", "dry_run"}
    assert fields["dry_run"] == ["Ожидается логическое значение (true или false)."]
    for messages in fields.values():
        for message in messages:
            assert_russian(message)


def test_drf_field_messages_without_a_russian_source_are_translated() -> None:
    from rest_framework import exceptions, fields, serializers

    messages = [
        str(exceptions.ValidationError().detail[0]),
        str(exceptions.NotFound().detail),
        str(exceptions.PermissionDenied().detail),
        str(exceptions.ParseError().detail),
        fields.CharField().error_messages["invalid"],
        fields.BooleanField().error_messages["invalid"],
        fields.UUIDField().error_messages["invalid"],
        fields.DateField().error_messages["invalid"].format(format="ГГГГ-ММ-ДД"),
        fields.DateField().error_messages["datetime"],
        fields.DictField().error_messages["empty"],
        fields.ListField().error_messages["min_length"].format(min_length=2),
        fields.ListField().error_messages["max_length"].format(max_length=2),
        serializers.ListSerializer(child=fields.CharField())
        .error_messages["min_length"]
        .format(min_length=2),
        serializers.Serializer().error_messages["invalid"].format(datatype="список"),
    ]
    for message in messages:
        assert_russian(str(message))


def test_wagtail_api_v2_errors_are_russian(client) -> None:
    cases = [
        ("/api/v2/pages/?limit=abc", 400, "limit: нужно целое положительное число."),
        ("/api/v2/pages/?limit=100000", 400, "limit: не больше 20."),
        ("/api/v2/pages/?order=nope", 400, "Нельзя упорядочить по полю «nope»."),
        ("/api/v2/pages/?nope=1", 400, "Неизвестные параметры запроса: nope."),
        ("/api/v2/pages/?type=no.Such", 400, "Такого типа страниц нет."),
        ("/api/v2/pages/999999/", 404, "Запись не найдена."),
        ("/api/v2/documents/999999/", 404, "Запись не найдена."),
    ]
    for path, status, message in cases:
        response = client.get(path)
        assert response.status_code == status, (path, response.content[:300])
        assert response.json() == {"message": message}, path


def test_unknown_wagtail_messages_fall_back_to_russian() -> None:
    assert wagtail_api_message("something new") == "Некорректные параметры запроса."
    assert_russian(wagtail_api_message("fields error: x"))


def test_compiled_catalogue_matches_its_source() -> None:
    import gettext
    from pathlib import Path

    import evaluation

    folder = Path(evaluation.__file__).parent / "locale/ru/LC_MESSAGES"
    source = (folder / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', source, flags=re.MULTILINE)
    assert len(pairs) > 30
    with (folder / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for msgid, msgstr in pairs:
        msgid, msgstr = (text.replace('\\"', '"') for text in (msgid, msgstr))
        assert catalogue.gettext(msgid) == msgstr, "django.mo is stale: compile it"
