"""The admin screens «Ход кампаний»: stage, actions as POST buttons, preview, refusals."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from evaluation import roles
from evaluation.enums import CampaignKind, CampaignStatus
from evaluation.models import AuditEvent, Publication
from evaluation.nok import lifecycle, services
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.factories.council import council_approves
from tests.factories.evaluation import NokCampaignFactory, OrganisationFactory
from tests.factories.users import role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(role_user("editor", roles.EDITOR))
    return client


@pytest.fixture
def nok():
    a = OrganisationFactory(short_name="КЦСОН А")
    b = OrganisationFactory(short_name="КЦСОН Б")
    return NokCampaignFactory(year=2025, organisations=[a, b])


def _screen(pk: int) -> str:
    return reverse("qp_campaign_lifecycle", args=[pk])


def _act(pk: int, action: str) -> str:
    return reverse("qp_campaign_lifecycle_action", args=[pk, action])


def test_the_editor_runs_a_campaign_from_the_screen(editor, nok) -> None:
    listing = editor.get(reverse("qp_campaign_lifecycles")).content.decode()
    assert "НОК 2025" in listing and "Подготовка" in listing

    page = editor.get(_screen(nok.pk)).content.decode()
    assert "Стадия: Подготовка" in page
    assert f'action="{_act(nok.pk, "open")}" method="post"' in page
    assert "csrfmiddlewaretoken" in page
    assert _act(nok.pk, "publish") not in page

    response = editor.post(_act(nok.pk, "open"), follow=True)
    assert "Сбор данных начат." in response.content.decode()
    assert "Стадия: Сбор данных" in response.content.decode()

    a, b = nok.organisations.order_by("short_name")
    services.save_indicator_inputs(nok, a, EXAMPLE_A)
    services.save_indicator_inputs(nok, b, EXAMPLE_B)
    response = editor.post(_act(nok.pk, "recompute"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "qp_campaign_preview", args=[nok.pk]
    )
    preview = response.content.decode()
    assert "Результаты пересчитаны: организаций 2" in preview
    assert "Опубликованной версии ещё нет" in preview
    assert "добавлено 2, исключено 0" in preview
    assert preview.index("КЦСОН А") < preview.index("КЦСОН Б")

    editor.post(_act(nok.pk, "send_to_council"))
    response = editor.post(_act(nok.pk, "publish"), follow=True)
    assert "дождитесь его решения" in response.content.decode()
    council_approves(nok)
    response = editor.post(_act(nok.pk, "publish"), follow=True)
    page = response.content.decode()
    assert "Результаты опубликованы. Версия 1." in page
    assert "Стадия: Опубликована" in page

    corrected = copy.deepcopy(EXAMPLE_A)
    corrected["respondents"] = 210
    services.save_indicator_inputs(nok, b, corrected)
    editor.post(_act(nok.pk, "recompute"))
    diff = editor.get(
        reverse("qp_campaign_preview", args=[nok.pk]) + "?changed=1"
    ).content.decode()
    assert "Сравнение с опубликованной версией 1" in diff
    assert "изменена" in diff and "КЦСОН А" not in diff

    response = editor.post(_act(nok.pk, "correct"), {"note": ""}, follow=True)
    assert "Укажите примечание для публики" in response.content.decode()
    response = editor.post(
        _act(nok.pk, "correct"), {"note": "Исправлены ответы КЦСОН Б"}, follow=True
    )
    page = response.content.decode()
    assert "Исправленная версия опубликована. Версия 2." in page
    assert "Исправлены ответы КЦСОН Б" in page
    assert Publication.objects.filter(campaign=nok).count() == 2


def test_a_refused_step_shows_what_to_do_first(editor, nok) -> None:
    lifecycle.open_campaign(nok)
    response = editor.post(_act(nok.pk, "publish"), follow=True)
    page = response.content.decode()
    assert "Сначала направьте «НОК 2025» на рассмотрение общественного совета" in page
    nok.refresh_from_db()
    assert nok.status == CampaignStatus.COLLECTING
    assert editor.get(_act(nok.pk, "publish")).status_code == 405


@pytest.mark.parametrize("group", [roles.COUNCIL, roles.INSTITUTION, roles.OPERATOR])
def test_non_editors_are_refused(client, django_user_model, nok, group) -> None:
    # Wagtail turns PermissionDenied into a redirect to the dashboard.
    client.force_login(role_user("someone", group))
    for response in (
        client.get(reverse("qp_campaign_lifecycles")),
        client.get(_screen(nok.pk)),
        client.get(reverse("qp_campaign_preview", args=[nok.pk])),
        client.post(_act(nok.pk, "open")),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    nok.refresh_from_db()
    assert nok.status == CampaignStatus.DRAFT
    assert not AuditEvent.objects.filter(action="campaign.status").exists()


def test_anonymous_visitors_are_sent_to_login(client, nok) -> None:
    response = client.post(_act(nok.pk, "open"))
    assert "/admin/login/" in response["Location"]
    nok.refresh_from_db()
    assert nok.status == CampaignStatus.DRAFT


def test_the_campaign_form_has_no_status(editor, nok) -> None:
    page = editor.get(reverse("campaign:edit", args=[nok.pk])).content.decode()
    assert 'name="title"' in page
    assert 'name="status"' not in page
    data = {
        "kind": CampaignKind.NOK,
        "year": 2025,
        "title": "НОК 2025 (уточнено)",
        "slug": "nok-2025",
        "period_start": "2025-03-01",
        "period_end": "2025-10-31",
        "method_version": "344n-social",
        "status": CampaignStatus.PUBLISHED,
    }
    editor.post(reverse("campaign:edit", args=[nok.pk]), data)
    nok.refresh_from_db()
    assert nok.title == "НОК 2025 (уточнено)"  # the form was saved…
    assert nok.status == CampaignStatus.DRAFT  # …but not the status


def test_organisations_are_added_by_kind_and_by_pasted_codes(editor, nok) -> None:
    from evaluation.enums import OrganisationKind

    OrganisationFactory(code="U-1", kind=OrganisationKind.USZN_OFFICE)
    OrganisationFactory(code="U-2", kind=OrganisationKind.USZN_OFFICE)
    OrganisationFactory(code="X-1", inn="2400000077")
    url = reverse("qp_campaign_organisations", args=[nok.pk])
    assert "В кампании организаций: 2" in editor.get(url).content.decode()
    response = editor.post(
        url, {"kinds": [OrganisationKind.USZN_OFFICE], "operation": "add"}, follow=True
    )
    assert "Добавлено организаций: 2. Всего в кампании: 4." in response.content.decode()
    response = editor.post(url, {"keys": "2400000077\nNOPE", "operation": "add"})
    assert "Не найдены организации с кодом или ИНН: NOPE" in response.content.decode()
    assert nok.organisations.count() == 4
    editor.post(url, {"keys": "2400000077", "operation": "add"})
    assert nok.organisations.filter(code="X-1").exists()


def test_the_editor_binds_the_campaigns_operators(
    editor, nok, django_user_model
) -> None:
    operator = role_user("operator", roles.OPERATOR)
    council = role_user("council", roles.COUNCIL)
    page = editor.get(_screen(nok.pk)).content.decode()
    assert 'name="operators"' in page and "operator" in page
    url = reverse("qp_campaign_operators", args=[nok.pk])
    response = editor.post(url, {"operators": [operator.pk]}, follow=True)
    assert "Операторов кампании: 1." in response.content.decode()
    assert list(nok.operators.all()) == [operator]
    assert roles.operates(operator, nok)
    # a council member is not offered, and is refused if posted anyway
    response = editor.post(url, {"operators": [council.pk]}, follow=True)
    assert "Выберите операторов из списка." in response.content.decode()
    with pytest.raises(lifecycle.LifecycleError, match="Не в группе «Операторы»"):
        lifecycle.set_operators(nok, [council])
    assert list(nok.operators.all()) == [operator]
