"""The editors' submissions tracker «Контроль сроков» in the Wagtail admin."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from openpyxl import load_workbook

from cms_blocks.blocks import SubmissionsTrackerBlock
from evaluation import roles
from evaluation.admin.tracker import PER_PAGE
from evaluation.enums import CampaignKind, CampaignStatus, SubmissionKind
from evaluation.models import Campaign, District, Submission
from tests.factories.questionnaire import organisation

pytestmark = pytest.mark.django_db

#: Wednesday 8 May 2024, a working day between the two May breaks.
TODAY = dt.datetime(2024, 5, 8, 10, tzinfo=ZoneInfo("Asia/Krasnoyarsk"))


def admin_user(username: str, *groups: str):
    user = get_user_model().objects.create_user(username, f"{username}@x.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def decade():
    campaign = Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=2024,
        title="Декада качества 2024",
        slug="decade-2024",
        period_start=dt.date(2024, 4, 8),
        period_end=dt.date(2024, 4, 19),
        status=CampaignStatus.COLLECTING,
    )
    south = District.objects.create(slug="south", name="Южный район")
    north_a = organisation("A")  # districts: "north" (factory default)
    north_b = organisation("B")
    south_c = organisation("C")
    south_c.district = south
    south_c.save()
    plan = SubmissionKind.IMPROVEMENT_PLAN
    summary = SubmissionKind.DECADE_SUMMARY
    rows = [
        # organisation, kind, deadline, received: state on 8 May 2024
        (north_a, summary, dt.date(2024, 5, 7), dt.date(2024, 5, 6)),  # on time
        (north_a, plan, dt.date(2024, 5, 7), None),  # overdue
        (north_b, summary, dt.date(2024, 5, 7), dt.date(2024, 5, 8)),  # late
        (north_b, plan, dt.date(2024, 5, 14), None),  # due soon: 13, 14 May
        (south_c, summary, dt.date(2024, 5, 30), None),  # pending
    ]
    for org, kind, deadline, received in rows:
        Submission.objects.create(
            campaign=campaign,
            organisation=org,
            kind=kind,
            deadline=deadline,
            received_on=received,
        )
    return campaign


def page(client, **params):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("qp_tracker"), params)
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def listed(soup) -> list[tuple[str, str, str]]:
    return [
        (
            row.th.get_text(strip=True),
            row.find_all("td")[1].get_text(strip=True),
            row.find_all("td")[4].get_text(strip=True),
        )
        for row in soup.select("table.listing tbody tr")
        if row.th
    ]


def counts(soup) -> dict[str, int]:
    result = {}
    for link in soup.select(".qp-tracker-counts a"):
        label, _sep, count = link.get_text(strip=True).rpartition(": ")
        result[label] = int(count)
    return result


def test_only_editors_open_the_tracker(client, decade):
    # Wagtail turns PermissionDenied into a redirect to the dashboard.
    for username, role in (
        ("institution", roles.INSTITUTION),
        ("council", roles.COUNCIL),
    ):
        client.force_login(admin_user(username, role))
        response = client.get(reverse("qp_tracker"))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    client.logout()
    assert "/admin/login/" in client.get(reverse("qp_tracker"))["Location"]
    client.force_login(admin_user("editor", roles.EDITOR))
    response, soup = page(client)
    assert soup.select_one("h1").get_text(strip=True) == "Контроль сроков"


def test_menu_item_shows_for_editors_only(client, decade):
    client.force_login(admin_user("institution", roles.INSTITUTION))
    assert "Контроль сроков" not in client.get(reverse("wagtailadmin_home")).text
    client.force_login(admin_user("editor", roles.EDITOR))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("qp_tracker") in home


def test_states_counts_and_sorting(client, decade):
    client.force_login(admin_user("editor", roles.EDITOR))
    _response, soup = page(client, campaign=decade.pk)
    assert listed(soup) == [
        ("КЦСОН A", "Сводная информация о результатах опроса", "В срок"),
        (
            "КЦСОН A",
            "План мероприятий по повышению качества",
            "Не представлено (просрочено)",
        ),
        ("КЦСОН B", "Сводная информация о результатах опроса", "С опозданием"),
        ("КЦСОН B", "План мероприятий по повышению качества", "Срок истекает"),
        ("КЦСОН C", "Сводная информация о результатах опроса", "Ожидается"),
    ]
    assert counts(soup) == {
        "В срок": 1,
        "С опозданием": 1,
        "Не представлено (просрочено)": 1,
        "Срок истекает": 1,
        "Ожидается": 1,
    }
    _response, soup = page(client, campaign=decade.pk, sort="state")
    assert [state for *_rest, state in listed(soup)] == [
        "Не представлено (просрочено)",
        "Срок истекает",
        "С опозданием",
        "Ожидается",
        "В срок",
    ]
    _response, soup = page(client, campaign=decade.pk, sort="-deadline")
    assert listed(soup)[0][0] == "КЦСОН C"


def test_filters_by_district_state_and_kind(client, decade):
    client.force_login(admin_user("editor", roles.EDITOR))
    _response, soup = page(client, campaign=decade.pk, district="south")
    assert [name for name, *_rest in listed(soup)] == ["КЦСОН C"]
    _response, soup = page(client, campaign=decade.pk, state="overdue")
    assert listed(soup) == [
        (
            "КЦСОН A",
            "План мероприятий по повышению качества",
            "Не представлено (просрочено)",
        )
    ]
    _response, soup = page(
        client, campaign=decade.pk, kind=SubmissionKind.IMPROVEMENT_PLAN
    )
    assert [name for name, *_rest in listed(soup)] == ["КЦСОН A", "КЦСОН B"]
    # Counts follow the kind filter, not the state filter.
    assert counts(soup)["В срок"] == 0
    assert counts(soup)["Срок истекает"] == 1
    _response, soup = page(client, campaign=decade.pk, state="nonsense")
    assert listed(soup) == []
    assert "Выберите корректный вариант" in soup.select_one("form").get_text()


def test_same_figures_as_the_public_block(client, decade):
    client.force_login(admin_user("editor", roles.EDITOR))
    _response, soup = page(client, campaign=decade.pk, district="north")
    block = SubmissionsTrackerBlock()
    with time_machine.travel(TODAY, tick=False):
        api = block.get_api_representation(
            block.to_python({"campaign": decade.pk, "district": "north"})
        )
    labels = {
        "on_time": "В срок",
        "late": "С опозданием",
        "overdue": "Не представлено (просрочено)",
        "due_soon": "Срок истекает",
        "pending": "Ожидается",
    }
    from_block = {labels[state]: n for state, n in api["counts"].items()}
    assert {label: n for label, n in counts(soup).items() if n} == from_block
    assert sum(from_block.values()) == 4


def test_pagination(client, decade):
    extra = [organisation(f"X{n:03d}") for n in range(PER_PAGE)]
    for org in extra:
        Submission.objects.create(
            campaign=decade,
            organisation=org,
            kind=SubmissionKind.DECADE_SUMMARY,
            deadline=dt.date(2024, 6, 1),
        )
    client.force_login(admin_user("editor", roles.EDITOR))
    _response, soup = page(client, campaign=decade.pk)
    assert len(listed(soup)) == PER_PAGE
    assert "Страница 1 из 2" in soup.get_text()
    _response, soup = page(client, campaign=decade.pk, p=2)
    assert len(listed(soup)) == 5


def test_csv_and_xlsx_export_the_filtered_lines(client, decade):
    client.force_login(admin_user("editor", roles.EDITOR))
    response, _soup = page(client, campaign=decade.pk, export="csv", sort="state")
    assert response["Content-Type"].startswith("text/csv")
    assert "tracker-decade-2024-2024-05-08.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Организация", "Район", "Документ"]
    assert rows[1][0] == "КЦСОН A"
    assert rows[1][5] == "Не представлено (просрочено)"
    assert rows[1][6] == "1"  # one working day late on 8 May
    assert len(rows) == 6

    response, _soup = page(client, campaign=decade.pk, export="xlsx", state="late")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Организация"
    assert values[1][:2] == ("КЦСОН B", "Северный район")
    assert values[1][3].date() == dt.date(2024, 5, 7)
    assert values[1][5] == "С опозданием"
    assert len(values) == 2
