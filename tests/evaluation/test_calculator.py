"""The calculator contract of METHOD.md §6: ``manage.py rate`` and the API.

Both front ends of :mod:`evaluation.rating` are run on the worked examples of
METHOD.md §3 and on invalid input: the command must exit with status 2 and
the API answer 400, each with Russian messages naming the field.
"""

from __future__ import annotations

import copy
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_A_JSON, EXAMPLE_B

RUSSIAN = re.compile("[А-Яа-яЁё]")
URL = "/api/v1/calculator/"

# Hand-checked figures of METHOD.md §3.
EXPECTED_A: dict[str, Any] = {
    "indicators": {"1.1": 90.0, "1.3": 92.5, "3.3": 82.0, "4.3": 95.0, "5.1": 93.0},
    "criteria": {"K1": 91.0, "K2": 89.6, "K3": 74.6, "K4": 97.0, "K5": 94.2},
    "total": 89.28,
}
EXPECTED_B: dict[str, Any] = {
    "indicators": {
        "1.1": 86.95,
        "1.2": 100.0,
        "1.3": 82.47,
        "3.3": None,
        "4.3": 93.55,
        "5.1": 85.11,
    },
    "criteria": {"K1": 89.07, "K2": 92.87, "K3": 74.29, "K4": 95.91, "K5": 87.91},
    "total": 88.01,
}
EXAMPLES = [
    pytest.param(EXAMPLE_A, EXPECTED_A, id="example-A"),
    pytest.param(EXAMPLE_B, EXPECTED_B, id="example-B"),
]


def _changed(path: str, value: object) -> dict[str, Any]:
    """Example A with the field at dotted ``path`` set to ``value``."""
    data = copy.deepcopy(EXAMPLE_A)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


# (input, field that must be named, a fragment of its Russian message)
INVALID = [
    pytest.param(
        _changed("respondents", -1),
        "respondents",
        "не может быть отрицательным",
        id="negative-respondents",
    ),
    pytest.param(
        _changed("yes.q9", -3),
        "yes.q9",
        "не может быть отрицательным",
        id="negative-yes",
    ),
    pytest.param(
        _changed("yes.q5", 201),
        "yes.q5",
        "больше числа ответивших",
        id="yes-above-respondents",
    ),
    pytest.param(
        _changed("info_stand.present", 21),
        "info_stand.present",
        "больше, чем требуется",
        id="present-above-required",
    ),
]


def _assert_matches(result: dict[str, Any], expected: dict[str, Any]) -> None:
    assert result["method"] == "344n-social"
    assert result["total"] == expected["total"]
    assert result["criteria"] == expected["criteria"]
    for code, value in expected["indicators"].items():
        assert result["indicators"][code] == value, code
    assert len(result["indicators"]) == 15


def _assert_b_notes(result: dict[str, Any]) -> None:
    """Example B: 3.3 has no data and says why; 1.3 is the stands part only."""
    notes = result["notes"]
    note_3_3 = [note for note in notes if note.startswith("Показатель 3.3")]
    assert note_3_3 == [
        "Показатель 3.3: нет данных (нет респондентов с инвалидностью); "
        "вес перераспределён между 3.1 и 3.2."
    ]
    assert any(note.startswith("Показатель 1.3: рассчитан только") for note in notes)


# --- manage.py rate ---------------------------------------------------------


def _run_rate(source: str) -> str:
    out = io.StringIO()
    call_command("rate", source, stdout=out)
    return out.getvalue()


def _run_rate_failing(source: str) -> str:
    err = io.StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("rate", source, stdout=io.StringIO(), stderr=err)
    assert caught.value.code == 2
    return err.getvalue()


@pytest.mark.parametrize(("data", "expected"), EXAMPLES)
def test_command_rates_worked_examples(
    tmp_path: Path, data: dict[str, Any], expected: dict[str, Any]
) -> None:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    output = _run_rate(str(path))

    _assert_matches(json.loads(output), expected)
    assert output.startswith('{\n  "indicators": {\n    "1.1": ')


def test_command_prints_notes_unescaped_for_example_b(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps(EXAMPLE_B), encoding="utf-8")

    output = _run_rate(str(path))

    result = json.loads(output)
    assert result["indicators"]["3.3"] is None
    _assert_b_notes(result)
    assert "нет респондентов с инвалидностью" in output  # ensure_ascii=False
    assert "\\u" not in output


def test_command_reads_verbatim_method_text_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(EXAMPLE_A_JSON, encoding="utf-8-sig")

    assert json.loads(_run_rate(str(path)))["total"] == 89.28


def test_command_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(EXAMPLE_B).encode("utf-8")))
    monkeypatch.setattr(sys, "stdin", stdin)

    result = json.loads(_run_rate("-"))

    _assert_matches(result, EXPECTED_B)


@pytest.mark.parametrize(("data", "field", "fragment"), INVALID)
def test_command_rejects_invalid_input_with_status_2(
    tmp_path: Path, data: dict[str, Any], field: str, fragment: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    errors = _run_rate_failing(str(path))

    assert f"{field}: " in errors
    assert fragment in errors
    assert "Ошибки в исходных данных" in errors


def test_command_reports_every_error_at_once(tmp_path: Path) -> None:
    data = _changed("info_stand.present", 21)
    data["yes"]["q5"] = 250
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    errors = _run_rate_failing(str(path))

    assert "info_stand.present: Стенды: размещено сведений (21)" in errors
    assert "yes.q5: Число ответов «да» на вопрос 5 (250)" in errors


def test_command_rejects_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"respondents": 200,\n "yes": }', encoding="utf-8")

    errors = _run_rate_failing(str(path))

    assert "не является корректным JSON: строка 2, столбец 9" in errors


def test_command_rejects_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"

    errors = _run_rate_failing(str(path))

    assert errors.strip() == f"Не удалось прочитать файл «{path}»: файл не найден."


def test_command_rejects_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.json"
    path.write_bytes('{"method": "методика"}'.encode("cp1251"))

    errors = _run_rate_failing(str(path))

    assert "не в кодировке UTF-8" in errors


# --- POST /api/v1/calculator/ ------------------------------------------------


def _post(client: Client, data: object) -> Any:
    return client.post(URL, json.dumps(data), content_type="application/json")


def test_calculator_url_is_named() -> None:
    assert reverse("evaluation-api:calculator") == URL


@pytest.mark.parametrize(("data", "expected"), EXAMPLES)
def test_api_rates_worked_examples(
    client: Client, data: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = _post(client, data)

    assert response.status_code == 200
    _assert_matches(response.json(), expected)


def test_api_example_b_has_null_and_note_for_3_3(client: Client) -> None:
    result = _post(client, EXAMPLE_B).json()

    assert result["indicators"]["3.3"] is None
    _assert_b_notes(result)


def test_api_accepts_verbatim_method_text(client: Client) -> None:
    response = client.post(URL, EXAMPLE_A_JSON, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["total"] == 89.28
    assert response.json()["notes"] == []


@pytest.mark.parametrize(("data", "field", "fragment"), INVALID)
def test_api_rejects_invalid_input_naming_the_field(
    client: Client, data: dict[str, Any], field: str, fragment: str
) -> None:
    response = _post(client, data)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    assert fragment in errors[0]["message"]
    assert RUSSIAN.search(errors[0]["message"])


def test_api_reports_every_error_at_once(client: Client) -> None:
    data = _changed("respondents", -1)
    data["info_site"]["present"] = 31

    errors = _post(client, data).json()["errors"]

    assert {error["field"] for error in errors} == {"respondents", "info_site.present"}


def test_api_rejects_malformed_json(client: Client) -> None:
    response = client.post(URL, '{"respondents": 200,', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": "",
                "message": "Тело запроса не является корректным JSON: "
                "строка 1, столбец 21.",
            }
        ]
    }


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param("respondents=200", "application/x-www-form-urlencoded", id="form"),
        pytest.param("200", "text/plain", id="text"),
    ],
)
def test_api_rejects_non_json_body(
    client: Client, body: str, content_type: str
) -> None:
    response = client.post(URL, body, content_type=content_type)

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == ""
    assert "Content-Type: application/json" in error["message"]
    assert content_type in error["message"]


def test_api_rejects_json_that_is_not_an_object(client: Client) -> None:
    response = _post(client, [EXAMPLE_A])

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        "Исходные данные должны быть объектом JSON с полями расчёта."
    )


def test_api_get_is_not_allowed(client: Client) -> None:
    response = client.get(URL, HTTP_ACCEPT="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"


def test_api_is_throttled_when_a_calculator_rate_is_configured(
    client: Client,
) -> None:
    rest_framework = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"calculator": "2/min"},
    }
    cache.clear()
    try:
        with override_settings(REST_FRAMEWORK=rest_framework):
            statuses = [_post(client, EXAMPLE_A).status_code for _ in range(3)]
    finally:
        cache.clear()

    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_schema_documents_the_calculator(client: Client) -> None:
    response = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) >= {"200", "400"}
    body = operation["requestBody"]["content"]["application/json"]
    assert body["examples"]["ExampleA"]["value"] == EXAMPLE_A
    result = operation["responses"]["200"]["content"]["application/json"]
    assert result["examples"]["ExampleA"]["value"]["total"] == 89.28
    assert "get" not in schema["paths"][URL]


def test_api_v1_root_links_the_calculator(client) -> None:
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["calculator"].endswith("/api/v1/calculator/")


def test_documented_api_example_a_is_the_method_text_verbatim() -> None:
    """The API's example A is METHOD.md §6's input, so its response is §3's figures."""
    from evaluation.nok.calculator import EXAMPLES

    assert EXAMPLES["A"]["input"] == EXAMPLE_A
    assert list(EXAMPLES) == ["A", "B"]
