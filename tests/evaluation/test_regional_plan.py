"""The regional НОК plan: executions, computed targets, monitoring, prefill, API."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from evaluation.admin.viewsets import WebsiteCheckViewSet
from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    CheckMethod,
    OrganisationKind,
    TargetSource,
)
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    AuditEvent,
    Campaign,
    District,
    IndicatorInput,
    Organisation,
    PlanExecution,
    PlanItem,
    RegionalPlan,
    Result,
    TargetIndicator,
    TargetIndicatorValue,
    WebsiteCheck,
)
from evaluation.regional import selectors as regional
from evaluation.regional import services
from evaluation.regional.schedules import PeriodState
from evaluation.regional.website import SITE_ITEM_CODES

pytestmark = pytest.mark.django_db


def organisation(district, code, kind=OrganisationKind.COMPLEX_CENTRE, **extra):
    return Organisation.objects.create(
        name=f"Организация {code}",
        short_name=f"Организация {code}",
        slug=code.lower(),
        code=code,
        kind=kind,
        district=district,
        **extra,
    )


@pytest.fixture
def region():
    """Four social-service organisations and one УСЗН office (not counted)."""
    district = District.objects.create(name="Ачинский район", slug="achinsk")
    orgs = [organisation(district, code) for code in "ABCD"]
    uszn = organisation(district, "U", kind=OrganisationKind.USZN_OFFICE)
    return orgs, uszn


@pytest.fixture
def plan():
    plan = RegionalPlan.objects.create(
        title="План НОК", first_year=2016, last_year=2018, base_year=2015
    )
    for number, position, deadline in (
        ("1", 100, "2 раза в год 2016 - 2018 годов"),
        ("1.2", 102, "ежегодно, 4 квартал"),
        ("2", 200, "по мере необходимости"),
        ("11", 1100, "постоянно"),
    ):
        PlanItem.objects.create(
            plan=plan,
            number=number,
            position=position,
            measure=f"Мероприятие {number}",
            deadline_text=deadline,
            by_council=True,
        )
    return plan


def check(org, day, ok, items=SITE_ITEM_CODES[:9], channels=("phone", "email")):
    return services.save_website_check(
        org,
        checked_on=day,
        items=items,
        channels=channels,
        questionnaire_url="https://example.ru/anketa/" if ok else "",
        questionnaire_ok=ok,
    )


# ------------------------------------------------------------------ executions


def test_an_execution_closes_the_oldest_open_period(plan) -> None:
    item = plan.items.get(number="1")
    first = services.record_execution(
        item, done_on=date(2016, 8, 1), summary="Заседание совета"
    )
    assert first.period_due == date(2016, 6, 30)  # the late first half-year
    second = services.record_execution(
        item, done_on=date(2016, 8, 20), summary="Второе заседание"
    )
    assert second.period_due == date(2016, 12, 31)
    assert AuditEvent.objects.filter(action="plan.execution").count() == 2
    with pytest.raises(EvaluationError, match=r"нет периода со сроком 31\.03\.2016"):
        services.record_execution(
            item,
            done_on=date(2016, 3, 1),
            summary="Заседание",
            period_due=date(2016, 3, 31),
        )
    wrong = PlanExecution(
        item=item, done_on=date(2016, 3, 1), summary="x", period_due=date(2016, 3, 31)
    )
    with pytest.raises(ValidationError) as caught:
        wrong.full_clean()
    assert "30.06.2016, 31.12.2016" in str(caught.value.message_dict["period_due"])
    as_needed = services.record_execution(
        plan.items.get(number="2"), done_on=date(2017, 5, 5), summary="Решение"
    )
    assert as_needed.period_due is None


def test_a_late_report_closes_and_is_listed_under_its_own_year(plan) -> None:
    item = plan.items.get(number="1.2")  # ежегодно, 4 квартал
    late = services.record_execution(
        item, done_on=date(2017, 1, 12), summary="Решение совета за 2016 год"
    )
    assert late.period_due == date(2016, 12, 31)
    with time_machine.travel(date(2017, 2, 1), tick=False):
        last_year = regional.plan_status(plan, 2016)
        this_year = regional.plan_status(plan, 2017)
    row = next(r for r in last_year.items if r.item.number == "1.2")
    assert row.state == PeriodState.DONE and row.executions == [late]
    row = next(r for r in this_year.items if r.item.number == "1.2")
    assert row.state == PeriodState.UPCOMING and row.executions == []


# -------------------------------------------------------- computed target values


def test_computed_targets_match_a_hand_counted_case(region, plan) -> None:
    (a, b, c, _d), uszn = region
    nok = Campaign.objects.create(
        kind=CampaignKind.NOK, year=2016, title="НОК 2016", slug="nok-2016",
        period_start=date(2016, 3, 1), period_end=date(2016, 10, 31),
    )  # fmt: skip
    for org in (a, b, c, uszn):  # D was not assessed; the office does not count
        Result.objects.create(
            campaign=nok, organisation=org, method_version="344n-social"
        )
    check(a, date(2016, 4, 1), ok=True)
    check(b, date(2016, 4, 1), ok=False)
    check(c, date(2015, 4, 1), ok=False)
    check(c, date(2016, 9, 1), ok=True)  # the later check counts
    check(uszn, date(2016, 4, 1), ok=True)  # not a social-service organisation
    check(a, date(2017, 3, 1), ok=False)  # next year: A lost its link
    share = TargetIndicator.objects.create(
        title="Доля оценённых", plan=plan, source=TargetSource.ASSESSED_SHARE
    )
    sites = TargetIndicator.objects.create(
        title="Доля с анкетой", plan=plan, position=2,
        source=TargetSource.QUESTIONNAIRE_SHARE,
    )  # fmt: skip
    TargetIndicatorValue.objects.create(
        indicator=sites, year=2015, actual=Decimal("46.6")
    )
    for indicator in (share, sites):
        for year in (2016, 2017, 2018):
            TargetIndicatorValue.objects.create(
                indicator=indicator, year=year, planned=100
            )
    TargetIndicatorValue.objects.filter(indicator=share, year=2018).update(actual=99)

    assert regional.assessed_share(2016).value == Decimal("75.0")  # 3 of 4
    assert regional.assessed_share(2017) is None  # no campaign that year
    assert regional.questionnaire_share(2016).value == Decimal("50.0")  # A, C of 4
    with time_machine.travel(date(2017, 12, 1), tick=False):
        targets = regional.plan_targets(plan)
        assert regional.questionnaire_share(2017).value == Decimal("25.0")  # C only
    rows = {row.indicator.title: row for row in targets.rows}
    cells = {cell.year: cell for cell in rows["Доля с анкетой"].cells}
    assert rows["Доля с анкетой"].base == Decimal("46.6")
    assert (cells[2016].actual, cells[2016].is_computed, cells[2016].achieved) == (
        Decimal("50.0"), True, False,
    )  # fmt: skip
    assert cells[2017].actual == Decimal("25.0")
    assert cells[2018].actual is None  # the future is not counted
    entered = {cell.year: cell for cell in rows["Доля оценённых"].cells}
    assert entered[2016].actual == Decimal("75.0")
    assert entered[2018].actual == Decimal("99") and not entered[2018].is_computed
    a.refresh_from_db()
    assert a.has_online_questionnaire is False  # in step with its latest check


# ------------------------------------------------------------------- prefill


def test_prefill_fills_empty_site_inputs_and_reports_conflicts(region) -> None:
    (a, b, c, d), _ = region
    campaign = Campaign.objects.create(
        kind=CampaignKind.NOK, year=2017, title="НОК 2017", slug="nok-2017",
        period_start=date(2017, 3, 1), period_end=date(2017, 10, 31),
        status=CampaignStatus.COLLECTING,
    )  # fmt: skip
    campaign.organisations.set([a, b, c, d])
    base = {
        "respondents": 50, "info_stand_present": 10, "info_stand_required": 10,
        "comfort_conditions": 3, "premises_access": 2, "service_access": 3,
        "yes": {},
    }  # fmt: skip
    IndicatorInput.objects.create(
        campaign=campaign, organisation=a, info_site_present=0,
        info_site_required=0, remote_channels=0, **base,
    )  # fmt: skip
    IndicatorInput.objects.create(
        campaign=campaign, organisation=b, info_site_present=25,
        info_site_required=30, remote_channels=4, **base,
    )  # fmt: skip
    for org in (a, b, c):
        check(org, date(2017, 2, 1), ok=True, channels=("phone", "email", "faq"))

    report = services.prefill_site_inputs(campaign)
    assert {p.organisation.code: p.status for p in report.proposals} == {
        "A": "empty", "B": "conflict", "C": "no_inputs",
    }  # fmt: skip
    assert report.filled == [a.pk]
    filled = IndicatorInput.objects.get(campaign=campaign, organisation=a)
    assert (
        filled.info_site_present,
        filled.info_site_required,
        filled.remote_channels,
    ) == (9, 18, 3)
    kept = IndicatorInput.objects.get(campaign=campaign, organisation=b)
    assert (kept.info_site_present, kept.info_site_required) == (25, 30)

    services.prefill_site_inputs(campaign, overwrite=[b.pk])
    kept.refresh_from_db()
    assert (kept.info_site_present, kept.info_site_required, kept.remote_channels) == (
        9,
        18,
        3,
    )
    assert "Мониторинг сайта от 01.02.2017" in kept.source_reference


# ------------------------------------------------------------------ checker


@pytest.mark.urls("tests.evaluation.site_pages")
def test_the_checker_finds_sections_channels_and_a_working_questionnaire(
    live_server, region
) -> None:
    (a, *_), _ = region
    with pytest.raises(EvaluationError, match="внутреннюю сеть"):
        services.run_website_check(a, url=live_server.url + "/")
    assert not WebsiteCheck.objects.exists()
    result = services.run_website_check(
        a, url=live_server.url + "/", today=date(2024, 5, 1), allow_private=True
    )
    assert result.method == CheckMethod.AUTOMATIC
    assert result.questionnaire_ok is True
    assert result.questionnaire_url == live_server.url + "/anketa/"
    assert set(result.items) == {
        "registration", "founder", "location", "schedule", "structure",
        "services", "recipients", "management", "rules",
    }  # fmt: skip
    assert "licences" not in result.items  # only in a script, not on the page
    assert result.channels == ["phone", "email", "appeal_form", "faq", "survey"]
    assert "Не найдены сведения:" in result.notes and "Лицензии" in result.notes
    a.refresh_from_db()
    assert a.has_online_questionnaire is True

    broken = services.run_website_check(
        a, url=live_server.url + "/broken/", allow_private=True
    )
    assert broken.questionnaire_ok is False
    assert "ошибкой 404" in broken.notes
    a.refresh_from_db()
    assert a.has_online_questionnaire is False
    with pytest.raises(EvaluationError, match="ошибкой 404"):
        services.run_website_check(a, url=live_server.url + "/net/", allow_private=True)
    with pytest.raises(EvaluationError, match="http"):
        services.run_website_check(a, url="ftp://example.ru/")

    Organisation.objects.filter(pk=a.pk).update(website=live_server.url + "/")
    out = io.StringIO()
    call_command("check_websites", "A", "--allow-private-hosts", stdout=out)
    assert "анкета есть" in out.getvalue()
    assert WebsiteCheck.objects.filter(organisation=a).count() == 3
    with pytest.raises(CommandError, match="Z"):
        call_command("check_websites", "Z")


# ---------------------------------------------------------------- admin


def test_website_checks_are_entered_as_a_check_list_by_editors_only(
    client, django_user_model, region
) -> None:
    (a, *_), _ = region
    url = reverse(WebsiteCheckViewSet().get_url_name("add"))
    data = {
        "organisation": a.pk,
        "checked_on": "2024-03-01",
        "url": "https://a.example.ru",
        "method": "manual",
        "items": ["registration", "founder", "licences"],
        "channels": ["phone", "faq"],
        "questionnaire_url": "https://a.example.ru/anketa/",
        "questionnaire_ok": "on",
        "notes": "",
    }
    plain = django_user_model.objects.create_user("guest", "g@example.ru", "pw")
    client.force_login(plain)
    assert client.post(url, data).status_code in (302, 403)
    assert not WebsiteCheck.objects.exists()
    admin = django_user_model.objects.create_superuser("ed", "e@example.ru", "pw")
    client.force_login(admin)
    page = client.get(url)
    assert "Размещённые сведения (886н)" in page.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = WebsiteCheck.objects.get()
    assert saved.items == ["registration", "founder", "licences"]
    assert (saved.info_present, saved.remote_channels) == (3, 2)


def test_prefill_screen_previews_and_replaces_only_ticked_rows(
    client, django_user_model, region
) -> None:
    (a, b, *_), _ = region
    campaign = Campaign.objects.create(
        kind=CampaignKind.NOK, year=2017, title="НОК 2017", slug="nok-2017",
        period_start=date(2017, 3, 1), period_end=date(2017, 10, 31),
    )  # fmt: skip
    campaign.organisations.set([a, b])
    base = {
        "respondents": 50, "info_stand_present": 10, "info_stand_required": 10,
        "comfort_conditions": 3, "premises_access": 2, "service_access": 3,
        "yes": {}, "info_site_present": 25, "info_site_required": 30,
        "remote_channels": 4,
    }  # fmt: skip
    for org in (a, b):
        IndicatorInput.objects.create(campaign=campaign, organisation=org, **base)
        check(org, date(2017, 2, 1), ok=True)
    url = reverse("qp_website_prefill")
    guest = django_user_model.objects.create_user("guest", "g@example.ru", "pw")
    guest.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(guest)
    assert client.get(url).status_code in (302, 403)
    editor = django_user_model.objects.create_superuser("ed", "e@example.ru", "pw")
    client.force_login(editor)
    page = client.get(url, {"campaign": campaign.pk}).content.decode()
    assert page.count("расхождение: оператор ввёл другие значения") == 2
    response = client.post(url, {"campaign": campaign.pk, "overwrite": [str(b.pk)]})
    assert response.status_code == 302
    values = dict(
        IndicatorInput.objects.values_list("organisation__code", "info_site_required")
    )
    assert values == {"A": 30, "B": 18}


def test_check_screen_reports_a_missing_website(
    client, django_user_model, region
) -> None:
    (a, *_), _ = region
    editor = django_user_model.objects.create_superuser("ed", "e@example.ru", "pw")
    client.force_login(editor)
    listing = client.get(reverse(WebsiteCheckViewSet().get_url_name("index")))
    assert "Проверить сайт автоматически" in listing.content.decode()
    response = client.post(reverse("qp_website_check"), {"organisation": a.pk})
    assert response.status_code == 200
    assert "не указан официальный сайт" in response.content.decode()
    assert not WebsiteCheck.objects.exists()
