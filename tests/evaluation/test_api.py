"""REST API v1: shape, filters, ordering, pagination, visibility, headers, errors."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from evaluation import selectors
from evaluation.enums import CampaignKind, CampaignStatus, MeasureStatus, PlanStatus
from evaluation.models import (
    Campaign,
    CouncilDecision,
    ImprovementPlan,
    Organisation,
    SurveyResponse,
)
from tests.evaluation.test_imports import (
    INN_A,
    INN_B,
    csv_bytes,
    region,
    survey_file,
    survey_row,
)
from tests.factories.region import grow_region

__all__ = ["region"]

pytestmark = pytest.mark.django_db

API = "/api/v1"


def get(client, path: str, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


# ----------------------------------------------------------------- resources


def test_organisations_filter_search_and_paginate(published_region, client) -> None:
    region = published_region
    target = region.organisations[0]
    data = get(client, "/organisations/", page_size=5)
    assert data["count"] == len(region.organisations)
    assert len(data["results"]) == 5
    assert data["next"].endswith("page=2&page_size=5")
    first = data["results"][0]
    assert set(first) >= {"id", "slug", "name", "short_name", "kind", "district", "inn"}
    assert first["district"]["slug"]
    data = get(client, "/organisations/", district=target.district.slug)
    assert {o["district"]["slug"] for o in data["results"]} == {target.district.slug}
    assert (
        data["count"] == Organisation.objects.filter(district=target.district).count()
    )
    data = get(client, "/organisations/", q=target.inn)
    assert [o["slug"] for o in data["results"]] == [target.slug]
    detail = get(client, f"/organisations/{target.slug}/")
    assert detail["name"] == target.name


def _walk(client, path: str, **params) -> tuple[list[dict], int]:
    """Follow ``next`` links from ``?cursor=``; return the rows and page count."""
    data = get(client, path, cursor="", **params)
    rows, pages = list(data["results"]), 1
    while data["next"]:
        assert "count" not in data
        data = client.get(data["next"]).json()
        rows.extend(data["results"])
        pages += 1
    return rows, pages


def test_cursor_pages_walk_each_list_once_in_order(published_region, client) -> None:
    region = published_region
    rows, pages = _walk(client, "/organisations/", page_size=7)
    expected = sorted(region.organisations, key=lambda o: (o.short_name, o.pk))
    assert [row["slug"] for row in rows] == [o.slug for o in expected]
    assert pages == -(-len(expected) // 7)

    rows, _ = _walk(client, "/results/", page_size=4)
    published = sorted(
        selectors.published_results(region.latest), key=lambda r: (r.rank, r.pk)
    )
    assert [row["id"] for row in rows] == [r.pk for r in published]

    rows, _ = _walk(client, "/results/", page_size=5, ordering="-total")
    totals = [Decimal(row["total"]) for row in rows]
    assert totals == sorted(totals, reverse=True) and len(rows) == len(published)

    first = get(client, "/organisations/", cursor="", page_size=3)
    back = client.get(client.get(first["next"]).json()["previous"]).json()
    assert [o["slug"] for o in back["results"]] == [o["slug"] for o in first["results"]]


def test_a_broken_cursor_is_a_russian_400(published_region, client) -> None:
    response = client.get(f"{API}/organisations/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["cursor"][0].startswith("Неверный курсор")


def test_results_default_to_the_latest_campaign_and_sort(
    published_region, client
) -> None:
    region = published_region
    data = get(client, "/results/", page_size=100)
    published = list(selectors.published_results(region.latest))
    assert data["count"] == len(published)
    assert {r["campaign"] for r in data["results"]} == {region.latest.slug}
    top = data["results"][0]
    assert top["organisation"]["slug"] == published[0].organisation.slug
    assert top["total"] == str(published[0].total)
    assert set(top["indicators"]) == {
        f"{c}.{i}" for c in range(1, 6) for i in range(1, 4)
    }
    assert top["how_computed"].endswith(f"/results/{top['id']}/how-computed/")

    old = region.campaigns[0]
    data = get(client, "/results/", campaign=old.slug, ordering="-k3", page_size=100)
    values = [Decimal(r["k3"]) for r in data["results"] if r["k3"] is not None]
    assert values == sorted(values, reverse=True)
    assert {r["campaign"] for r in data["results"]} == {old.slug}

    explanation = client.get(top["how_computed"], {"figure": "1.1"}).json()
    assert explanation["figure"] == "1.1"
    assert explanation["consistent"] is True
    bad = client.get(top["how_computed"], {"figure": "9.9"})
    assert bad.status_code == 400
    assert "figure" in bad.json()["error"]["fields"]


def test_campaign_aggregates_and_decade(published_region, client) -> None:
    region = published_region
    data = get(
        client, f"/campaigns/{region.latest.slug}/aggregates/", group_by="district"
    )
    expected = selectors.aggregates(region.latest, group_by="district")
    assert set(data["groups"]) == set(expected)
    key = next(iter(expected))
    assert data["groups"][key]["total"]["mean"] == str(expected[key]["total"].mean)
    assert (
        client.get(
            f"{API}/campaigns/{region.latest.slug}/aggregates/", {"group_by": "x"}
        ).status_code
        == 400
    )

    decade = get(client, f"/campaigns/{region.decade.slug}/decade/")
    overview = selectors.decade_overview(region.decade)
    assert decade["counted"] == overview.counted
    assert len(decade["organisations"]) == len(overview.summaries)
    Campaign.objects.filter(pk=region.decade.pk).update(status=CampaignStatus.REVIEW)
    assert (
        client.get(f"{API}/campaigns/{region.decade.slug}/decade/").status_code == 404
    )
    campaign = get(client, f"/campaigns/{region.latest.slug}/")
    assert campaign["publication"]["version"] == 1


def test_only_public_data_is_served(published_region, client) -> None:
    region = published_region
    draft = Campaign.objects.create(
        kind=CampaignKind.NOK, year=2026, title="Черновик", slug="draft-2026",
        period_start="2026-03-01", period_end="2026-10-31",
    )  # fmt: skip
    slugs = [c["slug"] for c in get(client, "/campaigns/")["results"]]
    assert draft.slug not in slugs and region.latest.slug in slugs
    assert client.get(f"{API}/campaigns/{draft.slug}/").status_code == 404

    plan = ImprovementPlan.objects.filter(status=PlanStatus.APPROVED).first()
    plan.status = PlanStatus.DRAFT
    plan.save()
    plans = get(client, "/plans/", page_size=500)["results"]
    assert plan.pk not in [p["id"] for p in plans]
    assert (
        len(plans) == ImprovementPlan.objects.filter(status=PlanStatus.APPROVED).count()
    )
    measures = get(client, "/measures/", page_size=500)["results"]
    assert not {m["id"] for m in measures} & set(
        plan.measures.values_list("pk", flat=True)
    )

    decision = CouncilDecision.objects.first()
    decision.is_published = False
    decision.save()
    decisions = get(client, "/decisions/")["results"]
    assert decision.pk not in [d["id"] for d in decisions]
    assert len(decisions) == CouncilDecision.objects.filter(is_published=True).count()


def test_plans_measures_reports_submissions_targets(published_region, client) -> None:
    region = published_region
    plan = ImprovementPlan.objects.filter(status=PlanStatus.APPROVED).first()
    data = get(client, "/plans/", organisation=plan.organisation.slug)
    assert [p["id"] for p in data["results"]] == [plan.pk]
    assert data["results"][0]["measures_total"] == plan.measures.count()
    assert (
        data["results"][0]["measures_done"]
        == plan.measures.filter(status=MeasureStatus.DONE).count()
    )
    measures = get(client, "/measures/", plan=plan.pk)["results"]
    assert len(measures) == plan.measures.count()
    done = [m for m in measures if m["status"] == MeasureStatus.DONE]
    assert all(m["reports"] for m in done)
    reports = get(client, "/reports/", organisation=plan.organisation.slug)["results"]
    assert {r["measure"] for r in reports} <= {m["id"] for m in measures}

    submissions = get(
        client, "/submissions/", campaign=region.decade.slug, page_size=500
    )
    assert submissions["count"] == region.decade.submissions.count()
    states = {s["state"] for s in submissions["results"]}
    assert states <= {"on_time", "late", "overdue", "due_soon", "pending"}
    targets = get(client, "/target-indicators/")["results"]
    assert targets and targets[0]["values"]


# -------------------------------------------------------------- HTTP behaviour


def test_errors_are_json_in_russian(published_region, client) -> None:
    missing = client.get(f"{API}/organisations/no-such-org/")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Запись не найдена."}
    }
    invalid = client.get(f"{API}/results/", {"kind": "nonsense"})
    assert invalid.status_code == 400
    body = invalid.json()["error"]
    assert body["code"] == "invalid" and "kind" in body["fields"]
    assert body["message"] == "Запрос содержит ошибки."
    write = client.post(f"{API}/organisations/", {"name": "x"})
    assert write.status_code in {401, 403}
    assert write.json()["error"]["status"] == write.status_code


def test_cache_headers_etag_and_cors(published_region, client) -> None:
    response = client.get(f"{API}/results/", HTTP_ORIGIN="https://example.org")
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.has_header("Last-Modified")
    etag = response["ETag"]
    again = client.get(f"{API}/results/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    preflight = client.options(
        f"{API}/results/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")


def test_anonymous_clients_are_throttled(published_region, client, monkeypatch) -> None:
    from django.core.cache import cache
    from rest_framework.throttling import AnonRateThrottle

    rates = {**AnonRateThrottle.THROTTLE_RATES, "anon": "3/min"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    try:
        codes = [client.get(f"{API}/districts/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        body = client.get(f"{API}/districts/").json()["error"]
        assert body["status"] == 429 and body["retry_after"] > 0
    finally:
        cache.clear()


def test_query_counts_do_not_grow_with_the_list(published_region, client) -> None:
    paths = [
        "/organisations/?page_size=500",
        "/organisations/?page_size=500&cursor=",
        "/results/?page_size=500",
        "/results/?page_size=500&cursor=",
        "/campaigns/",
        "/plans/?page_size=500",
        "/measures/?page_size=500",
        "/submissions/?page_size=500",
        "/decisions/",
        "/target-indicators/",
    ]

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}{path}").status_code == 200
        return len(captured)

    before = {path: count(path) for path in paths}
    grow_region(published_region, 30)
    assert {path: count(path) for path in paths} == before


# -------------------------------------------------------------------- uploads


def _upload(client, token: str | None, **data):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.post(f"{API}/imports/", data, **headers)


def test_institution_uploads_its_own_rows_with_a_token(
    region, client, django_user_model
) -> None:
    user = django_user_model.objects.create_user("kcson-a", password="pw")
    region["a"].users.add(user)
    token = Token.objects.create(user=user).key
    data = survey_file([survey_row(INN_A, "1"), survey_row(INN_A, "2")])

    anonymous = _upload(
        client, None, form="survey_responses", campaign=region["decade"].slug,
        file=SimpleUploadedFile("a.xlsx", data),
    )  # fmt: skip
    assert anonymous.status_code == 401

    checked = _upload(
        client, token, form="survey_responses", campaign=region["decade"].slug,
        file=SimpleUploadedFile("a.xlsx", data), dry_run="true",
    )  # fmt: skip
    assert checked.status_code == 200, checked.content
    assert checked.json()["counts"]["new"] == 2
    assert not SurveyResponse.objects.exists()

    done = _upload(
        client, token, form="survey_responses", campaign=region["decade"].slug,
        file=SimpleUploadedFile("a.xlsx", data),
    )  # fmt: skip
    assert done.status_code == 201
    assert done.json()["applied"] is True
    assert SurveyResponse.objects.count() == 2

    foreign = survey_file([survey_row(INN_A, "3"), survey_row(INN_B, "4")])
    refused = _upload(
        client, token, form="survey_responses", campaign=region["decade"].slug,
        file=SimpleUploadedFile("b.xlsx", foreign),
    )  # fmt: skip
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    # Two title rows and the header come first: the second data row is row 5.
    assert [e["row"] for e in errors] == [5]
    assert errors[0]["column"] and errors[0]["message"]
    assert SurveyResponse.objects.count() == 2  # nothing of the broken file

    register = _upload(
        client, token, form="organisations",
        file=SimpleUploadedFile("r.csv", csv_bytes([["ИНН"], [INN_A]])),
    )  # fmt: skip
    assert register.status_code == 403
    assert "редактор" in register.json()["error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_large_uploads_are_processed_by_a_task_with_a_status_url(
    region, client, django_user_model, settings
) -> None:
    from evaluation.imports.background import wait_for_background

    settings.QP_IMPORT_BACKGROUND_BYTES = 1  # every file counts as large
    user = django_user_model.objects.create_user("kcson-a", password="pw")
    region["a"].users.add(user)
    other = django_user_model.objects.create_user("kcson-b", password="pw")
    region["b"].users.add(other)
    token = Token.objects.create(user=user).key
    data = survey_file([survey_row(INN_A, "1"), survey_row(INN_A, "2")])

    accepted = _upload(
        client, token, form="survey_responses", campaign=region["decade"].slug,
        file=SimpleUploadedFile("a.xlsx", data),
    )  # fmt: skip
    # The test database is in-memory SQLite, where two connections writing at
    # once fail instead of waiting: read only after the task is done.
    wait_for_background()
    assert accepted.status_code == 202, accepted.content
    status_url = accepted["Location"]
    assert accepted.json()["status_url"] == status_url
    assert accepted.json()["status"] == "running"

    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    done = client.get(status_url, **headers)
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["applied"]) == ("applied", True)
    assert body["counts"]["new"] == 2 and body["errors"] == []
    assert SurveyResponse.objects.count() == 2

    # Another institution's user, and anonymous clients, cannot see it.
    stranger = Token.objects.create(user=other).key
    hidden = client.get(status_url, HTTP_AUTHORIZATION=f"Token {stranger}")
    assert hidden.status_code == 404
    assert client.get(status_url).status_code == 401

    # A broken large file: refused by the task, nothing written, errors listed.
    foreign = survey_file([survey_row(INN_A, "3"), survey_row(INN_B, "4")])
    refused = _upload(
        client, token, form="survey_responses", campaign=region["decade"].slug,
        file=SimpleUploadedFile("b.xlsx", foreign),
    )  # fmt: skip
    wait_for_background()
    assert refused.status_code == 202
    body = client.get(refused["Location"], **headers).json()
    assert body["status"] == "failed" and body["applied"] is False
    assert [e["row"] for e in body["errors"]] == [5]
    assert SurveyResponse.objects.count() == 2


def test_imports_left_running_by_a_stopped_worker_are_marked_failed(
    region, django_user_model
) -> None:
    from datetime import timedelta

    from django.core.management import call_command

    from evaluation.imports.background import INTERRUPTED
    from evaluation.models import ImportRecord, ImportStatus

    stale = ImportRecord.objects.create(
        form="survey_responses", filename="a.xlsx", status=ImportStatus.RUNNING
    )
    fresh = ImportRecord.objects.create(
        form="survey_responses", filename="b.xlsx", status=ImportStatus.RUNNING
    )
    ImportRecord.objects.filter(pk=stale.pk).update(
        created_at=stale.created_at - timedelta(minutes=31)
    )
    out = StringIO()
    call_command("recover_imports", stdout=out)
    assert "Прерванных загрузок отмечено: 1." in out.getvalue()
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == ImportStatus.FAILED
    assert stale.errors[0]["message"] == INTERRUPTED
    assert fresh.status == ImportStatus.RUNNING


def test_documents_are_listed_with_absolute_file_urls(published_region, client) -> None:
    from publications.models import PortalDocument

    data = get(client, "/documents/")
    assert data["count"] == PortalDocument.objects.count() == 2
    assert all(d["url"].startswith("http://testserver/") for d in data["results"])
    orders = get(client, "/documents/", kind="order")["results"]
    assert [d["kind"] for d in orders] == ["order"]
    assert "documents" in get(client, "/")


def test_unknown_api_addresses_answer_in_the_error_shape(db, client) -> None:
    response = client.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_api_tokens_are_issued_rotated_and_revoked(db, django_user_model) -> None:
    import io

    from django.core.management import CommandError, call_command

    user = django_user_model.objects.create_user("operator", password="pw")
    out = io.StringIO()
    call_command("issue_api_token", "operator", stdout=out, stderr=io.StringIO())
    first = out.getvalue().strip()
    assert Token.objects.get(user=user).key == first
    out = io.StringIO()
    call_command(
        "issue_api_token", "operator", "--rotate", stdout=out, stderr=io.StringIO()
    )
    assert out.getvalue().strip() != first
    call_command("issue_api_token", "operator", "--revoke", stdout=io.StringIO())
    assert not Token.objects.filter(user=user).exists()
    with pytest.raises(CommandError):
        call_command("issue_api_token", "nobody-here")
