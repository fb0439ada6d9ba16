"""Letters, proposals from НОК results and the РМЦ and public-organisation roles.

Public letters and proposals show on the organisation's card and the
campaign's results page; private ones show nowhere public (page or file).
The РМЦ consolidates but cannot publish; an invited public organisation
reads its campaign and leaves remarks the public council sees.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from evaluation import roles
from evaluation.enums import CampaignStatus, PlanStatus
from evaluation.models import (
    CheckerRemark,
    ImprovementPlan,
    Letter,
    LetterAuthor,
    LetterKind,
    Proposal,
    ProposalDocument,
    ProposalStatus,
)
from evaluation.nok import lifecycle
from evaluation.plans import letters
from tests.factories.users import role_user

pytestmark = pytest.mark.django_db


def _user(django_user_model, name: str, group: str):
    return role_user(name, group, email=f"{name}@example.ru")


def _letter(**fields) -> Letter:
    letter = Letter.objects.create(dated=date(2025, 2, 3), **fields)
    letter.file.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"), save=True)
    return letter


def test_public_letters_show_where_they_belong_private_ones_nowhere(
    published_region, client, django_user_model
) -> None:
    region = published_region
    campaign, first, second = region.latest, *region.organisations[:2]
    public = _letter(
        kind=LetterKind.METHODOLOGICAL, author_kind=LetterAuthor.RMC,
        number="15-м", subject="О порядке проверки сайтов организаций",
        campaign=campaign, is_public=True,
    )  # fmt: skip
    public.addressees.set([first])
    private = _letter(
        kind=LetterKind.INFORMATION, author_kind=LetterAuthor.COUNCIL,
        author_organisation=first, to_ministry=True, number="8",
        subject="О служебной проверке отделения", campaign=campaign,
        organisation=first,
    )  # fmt: skip

    results = client.get(region.results_page.url).content.decode()
    assert "Методическое письмо № 15-м от 3\u00a0февраля\u00a02025\u00a0г." in results
    assert "О порядке проверки сайтов организаций" in results
    assert "Автор: Ресурсно-методический центр." in results
    assert "О служебной проверке отделения" not in results

    card = client.get(region.directory.card_url(first)).content.decode()
    assert "О порядке проверки сайтов организаций" in card
    assert "О служебной проверке отделения" not in card
    other_card = client.get(region.directory.card_url(second)).content.decode()
    assert "О порядке проверки сайтов организаций" not in other_card

    # Open data: the public letter only.
    listed = client.get("/api/v1/letters/", {"organisation": first.slug}).json()
    subjects = [row["subject"] for row in listed["results"]]
    assert "О порядке проверки сайтов организаций" in subjects
    assert "О служебной проверке отделения" not in subjects
    row = client.get(f"/api/v1/letters/{public.pk}/").json()
    assert row["author"] == "Ресурсно-методический центр"
    assert row["addressees"] == [first.slug]
    assert row["file"].endswith(public.file.url)
    assert client.get(f"/api/v1/letters/{private.pk}/").status_code == 404

    # Files: the public one to anyone, the private one to nobody outside.
    assert client.get(public.file.url).status_code == 200
    assert client.get(private.file.url).status_code == 404
    inspect = reverse("letter:inspect", args=[private.pk])
    assert client.get(inspect).status_code == 302  # to the login
    stranger = _user(django_user_model, "stranger", roles.INSTITUTION)
    second.users.add(stranger)
    client.force_login(stranger)
    assert client.get(private.file.url).status_code == 404
    assert client.get(inspect).status_code == 404
    # The council of the first organisation's own users read it.
    insider = _user(django_user_model, "insider", roles.INSTITUTION)
    first.users.add(insider)
    client.force_login(insider)
    assert client.get(private.file.url).status_code == 200
    assert client.get(inspect).status_code == 200

    # Unpublishing takes the letter off the pages at once.
    public.is_public = False
    public.save()
    client.logout()
    assert (
        "О порядке проверки сайтов"
        not in client.get(region.results_page.url).content.decode()
    )
    assert client.get(public.file.url).status_code == 404


def test_proposals_show_on_the_results_page_with_where_they_were_used(
    published_region, client
) -> None:
    campaign = published_region.latest
    Proposal.objects.create(
        campaign=campaign, text="Открыть пункты проката средств реабилитации.",
        status=ProposalStatus.ACCEPTED, document_kind=ProposalDocument.ROAD_MAP,
        document_name="План мероприятий по повышению доступности услуг",
        document_number="№ 12 от 01.03.2026", document_url="https://example.ru/rk",
        accounted_on=date(2026, 3, 1), is_public=True,
    )  # fmt: skip
    Proposal.objects.create(
        campaign=campaign,
        text="Черновое предложение для обсуждения.",
    )
    page = client.get(published_region.results_page.url).content.decode()
    assert "Предложения по итогам независимой оценки" in page
    assert "Открыть пункты проката средств реабилитации." in page
    assert (
        'Учтено: «дорожная карта» — <a href="https://example.ru/rk" '
        'rel="noopener">План мероприятий по повышению доступности услуг</a>, '
        "№ 12 от 01.03.2026 (учтено 1\u00a0марта\u00a02026\u00a0г.)" in page
    )
    assert "Черновое предложение" not in page
    data = client.get("/api/v1/proposals/", {"campaign": campaign.slug}).json()
    texts = {row["text"]: row for row in data["results"]}
    assert "Черновое предложение для обсуждения." not in texts
    used = texts["Открыть пункты проката средств реабилитации."]
    assert (used["status_display"], used["accounted_on"]) == ("Учтено", "2026-03-01")


def test_a_proposal_marked_taken_into_account_needs_its_document() -> None:
    proposal = Proposal(text="Предложение", status=ProposalStatus.ACCEPTED)
    with pytest.raises(ValidationError) as error:
        proposal.clean()
    assert error.value.message_dict["document_name"] == [
        "Укажите наименование документа, в котором учтено предложение."
    ]
    assert error.value.message_dict["accounted_on"] == [
        "Укажите, когда учтено предложение."
    ]


def test_a_council_letter_names_its_organisation() -> None:
    letter = Letter(
        kind=LetterKind.INFORMATION, author_kind=LetterAuthor.COUNCIL,
        number="1", dated=date(2025, 1, 1), subject="Тема",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        letter.clean()
    assert error.value.message_dict["author_organisation"] == [
        "Укажите организацию, общественный совет которой направил письмо."
    ]


# ------------------------------------------------------------------ roles


@pytest.fixture
def people(published_region, django_user_model):
    return {
        "rmc": _user(django_user_model, "rmc", roles.RMC),
        "checker": _user(django_user_model, "checker", roles.CHECKER),
        "council": _user(django_user_model, "council", roles.COUNCIL),
        "editor": _user(django_user_model, "editor", roles.EDITOR),
    }


def test_the_rmc_consolidates_but_cannot_publish(published_region, people, client):
    campaign = published_region.campaigns[0]
    rmc = people["rmc"]
    Group.objects.get(name=roles.RMC)  # created by the migration
    assert roles.may_consolidate(rmc) and not roles.is_editor(rmc)
    with pytest.raises(PermissionDenied, match="РМЦ сводит и проверяет данные"):
        lifecycle.withdraw(campaign, rmc, note="Проверка")
    client.force_login(rmc)
    decade = published_region.decade
    assert client.get(reverse("qp_decade_consolidation")).status_code == 200
    download = client.get(
        reverse("qp_decade_consolidation_download", args=[decade.pk, "summary"])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('.xlsx"')
    status = campaign.status
    response = client.post(
        reverse("qp_campaign_lifecycle_action", args=[campaign.pk, "withdraw"]),
        {"note": "Попытка"},
    )
    assert response.status_code in (302, 403)
    campaign.refresh_from_db()
    assert campaign.status == status == CampaignStatus.PUBLISHED
    # Reads every organisation's plans, changes none.
    plans = ImprovementPlan.objects.exclude(status=PlanStatus.DRAFT)
    assert roles.scope_queryset(rmc, ImprovementPlan.objects.all()).count() == (
        ImprovementPlan.objects.count()
    )
    assert plans.exists()
    assert not roles.can_change_object(rmc, plans.first())


def test_the_rmc_writes_only_its_own_letters(published_region, people, client):
    client.force_login(people["rmc"])
    first = published_region.organisations[0]
    url = reverse("letter:add")
    form = {
        "kind": LetterKind.METHODOLOGICAL, "author_kind": LetterAuthor.MINISTRY,
        "addressees": [first.pk], "number": "9", "dated": "2025-02-01",
        "subject": "О методике",
    }  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert not Letter.objects.filter(number="9").exists()
    no_addressees = client.post(
        url, {**form, "author_kind": LetterAuthor.RMC, "addressees": []}
    )
    assert "Укажите адресатов" in no_addressees.content.decode()
    saved = client.post(url, {**form, "author_kind": LetterAuthor.RMC})
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    letter = Letter.objects.get(number="9")
    assert letter.created_by == people["rmc"]
    assert list(letter.addressees.all()) == [first]
    ministry = Letter.objects.filter(author_kind=LetterAuthor.MINISTRY).first()
    assert not roles.can_change_object(people["rmc"], ministry)
    assert roles.can_change_object(people["rmc"], letter)


def test_an_invited_public_organisation_reads_and_remarks_for_the_council(
    published_region, people, client
) -> None:
    latest, earlier = published_region.latest, published_region.campaigns[0]
    checker, council = people["checker"], people["council"]
    first = published_region.organisations[0]
    assert not roles.campaigns_checked_by(checker).exists()
    letters.invite(latest, checker, "Краевая организация инвалидов")
    seen = roles.scope_queryset(checker, ImprovementPlan.objects.all())
    assert seen.exists()
    assert set(seen.values_list("campaign", flat=True)) == {latest.pk}
    assert not roles.can_change_object(checker, seen.first())

    with pytest.raises(letters.RemarkError, match="приглашённые к проверке"):
        letters.add_remark(checker, earlier, "Замечание не к той кампании")
    with pytest.raises(letters.RemarkError, match="пустое замечание"):
        letters.add_remark(checker, latest, "   ")

    client.force_login(checker)
    response = client.post(
        reverse("checkerremark:add"),
        {"campaign": latest.pk, "organisation": first.pk,
         "text": "На сайте нет версии для слабовидящих."},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-2000:]
    remark = CheckerRemark.objects.get(text="На сайте нет версии для слабовидящих.")
    assert remark.author == checker
    refused = client.post(
        reverse("checkerremark:add"),
        {"campaign": earlier.pk, "text": "Не туда."},
    )
    assert refused.status_code == 200
    assert not CheckerRemark.objects.filter(text="Не туда.").exists()
    # Nothing to change: the plan's edit screen is closed to the checker.
    plan = seen.first()
    edit = client.get(reverse("improvementplan:edit", args=[plan.pk]))
    assert edit.status_code in (302, 403)
    assert client.get(reverse("qp_council_queue")).status_code in (302, 403)

    client.force_login(council)
    queue = client.get(reverse("qp_council_queue")).content.decode()
    assert "Замечания общественных организаций" in queue
    assert "На сайте нет версии для слабовидящих." in queue
    assert "Краевая организация инвалидов" in queue
    assert first.short_name in queue


@pytest.mark.parametrize("role", ["rmc", "checker"])
def test_every_admin_screen_the_new_roles_are_shown_opens(
    published_region, people, role
) -> None:
    """No link the РМЦ or the checker is shown fails or bounces to the dashboard."""
    from django.test import Client

    from tests.portal_site.test_every_screen import crawl

    letters.invite(published_region.latest, people["checker"], "Союз многодетных")
    client = Client(raise_request_exception=True)
    client.force_login(people[role])
    report = crawl(client, ["/admin/"], "/admin/")
    assert not report["failures"], "\n".join(report["failures"])
    assert report["opened"] >= 10
    patterns = report["patterns"]
    if role == "rmc":
        assert "/admin/letter/new/" in patterns
        assert "/admin/decade-consolidation/" in patterns
    else:
        assert "/admin/checkerremark/new/" in patterns
        assert "/admin/letter/" not in patterns
