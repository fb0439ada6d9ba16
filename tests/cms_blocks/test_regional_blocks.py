"""The regional plan blocks on the demo plan page, and the same data in API v1."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from bs4 import BeautifulSoup
from wagtail import blocks

from cms_blocks.blocks import (
    PlanTargetsBlock,
    RegionalPlanBlock,
    WebsiteMonitoringBlock,
)
from evaluation.enums import OrganisationKind
from evaluation.models import Organisation, PlanExecution, RegionalPlan, WebsiteCheck

pytestmark = pytest.mark.django_db


def test_the_demo_plan_page_shows_plan_targets_and_monitoring(
    client, published_region
) -> None:
    plan = RegionalPlan.objects.get()
    assert plan.items.filter(parent=None).count() == 12
    assert plan.items.count() == 26
    response = client.get("/ocenka/plan-nok/")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    section = html.select_one(".block--regional-plan")
    numbers = [th.get_text(strip=True) for th in section.select("tbody th")]
    assert (
        numbers[:3] == ["1", "1.1", "1.2"] and "5.3" in numbers and numbers[-1] == "12"
    )
    assert "Исполнение" in section.get_text() and "за 2024 год" in section.get_text()
    targets = html.select_one(".block--plan-targets")
    assert targets.select("svg[role=img]") and "2021 (отчёт)" in targets.get_text()
    assert "46,6" in targets.get_text()
    monitoring = html.select_one(".block--website-monitoring")
    social = Organisation.objects.exclude(kind=OrganisationKind.USZN_OFFICE).count()
    assert f"проверены сайты {social} из {social}" in monitoring.get_text()


def test_plan_block_refuses_a_year_outside_the_plan(published_region) -> None:
    block = RegionalPlanBlock()
    with pytest.raises(blocks.StructBlockValidationError) as caught:
        block.clean(block.to_python({"year": 2030}))
    assert "year" in caught.value.block_errors
    assert block.clean(block.to_python({"year": 2023}))["year"] == 2023


def test_plan_states_and_api_agree_under_frozen_time(client, published_region) -> None:
    plan = RegionalPlan.objects.get()
    item = plan.items.get(number="1.5")  # ежегодно, 4 квартал
    PlanExecution.objects.filter(item=item, period_due=date(2024, 12, 31)).delete()
    block = RegionalPlanBlock()
    with time_machine.travel(date(2024, 11, 1), tick=False):
        shown = block.get_api_representation(block.to_python({"only_open": True}))
        api = client.get(f"/api/v1/regional-plans/{plan.pk}/").json()
    assert shown["year"] == api["year"] == 2024
    row = next(i for i in api["items"] if i["number"] == "1.5")
    assert row["state"] == "due"
    assert row["periods"] == [
        {
            "label": "4 квартал 2024",
            "due": "2024-12-31",
            "state": "due",
            "done_on": None,
        }
    ]
    assert "1.5" in [i["number"] for i in shown["items"]]
    assert all(i["state"] in ("due", "overdue") for i in shown["items"])
    with time_machine.travel(date(2025, 1, 10), tick=False):
        later = client.get(f"/api/v1/regional-plans/{plan.pk}/?year=2024").json()
    assert next(i for i in later["items"] if i["number"] == "1.5")["state"] == "overdue"
    assert client.get(f"/api/v1/regional-plans/{plan.pk}/?year=2030").status_code == 400
    listing = client.get("/api/v1/regional-plans/").json()
    assert [p["id"] for p in listing["results"]] == [plan.pk]


def test_targets_and_monitoring_in_blocks_and_api(client, published_region) -> None:
    plan = RegionalPlan.objects.get()
    api = client.get(f"/api/v1/regional-plans/{plan.pk}/targets/").json()
    block = PlanTargetsBlock()
    assert block.get_api_representation(block.to_python({"show_chart": True})) == api
    assert api["base_year"] == 2021 and api["years"] == [2022, 2023, 2024]
    sites = api["indicators"][1]
    assert sites["base"] == "46.60"
    social = Organisation.objects.exclude(kind=OrganisationKind.USZN_OFFICE)
    for value in sites["values"]:
        year = value["year"]
        with_link = sum(
            1
            for org in social
            if WebsiteCheck.objects.filter(organisation=org, checked_on__year=year)
            .get()
            .questionnaire_ok
        )
        assert value["counted"] == {
            "numerator": with_link,
            "denominator": social.count(),
        }
        assert value["computed"] is True
    assessed = api["indicators"][0]["values"]
    assert {v["actual"] for v in assessed} == {"100.0"}  # every demo organisation
    monitoring = client.get("/api/v1/website-monitoring/").json()
    summary = WebsiteMonitoringBlock()
    shown = summary.get_api_representation(
        summary.to_python({"show_organisations": True})
    )
    assert shown == monitoring
    assert monitoring["checked"] == social.count()
    assert len(monitoring["rows"]) == social.count()
    assert client.get("/api/v1/website-monitoring/?on=вчера").status_code == 400


def test_the_plan_is_an_open_dataset(client, published_region) -> None:
    response = client.get("/api/v1/datasets/regional-plan.csv")
    assert response.status_code == 200
    header, *rows = csv.reader(
        io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"
    )
    assert header[:3] == ["План", "№ п/п", "Мероприятие"]
    by_key = {(row[1], row[6], row[7]): row for row in rows}
    assert by_key[("5.2", "2022", "4 квартал 2022")][8] == "31.12.2022"
    assert (
        "5.2",
        "2024",
        "4 квартал 2024",
    ) not in by_key  # one-off: 2022 and 2023 only
    assert by_key[("2", "2023", "по мере необходимости")][9] == ""
    half_years = [key for key in by_key if key[0] == "1" and key[1] == "2023"]
    assert len(half_years) == 2
