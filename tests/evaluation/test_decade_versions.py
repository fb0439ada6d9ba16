"""A Декада is recomputed, published and corrected version by version (#21)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from evaluation import roles, selectors
from evaluation.admin.viewsets import SampleBaseViewSet
from evaluation.decade import sample_bases
from evaluation.decade import versions as decade_versions
from evaluation.decade.versions import DecadeFigures
from evaluation.enums import OrganisationKind, SurveyChannel
from evaluation.models import AuditEvent, SampleBase, SurveyResponse
from evaluation.nok import lifecycle
from evaluation.nok.lifecycle import LifecycleError, Stage
from tests.factories.council import council_approves
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

YES_TO_ALL = {f"q{i}": True for i in range(1, 16)}


def _responses(campaign, organisation, count: int, answers=YES_TO_ALL) -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            campaign=campaign,
            organisation=organisation,
            answers=answers,
            channel=SurveyChannel.OFFICE,
            collected_on=dt.date(2024, 4, 10),
        )
        for _ in range(count)
    )


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


@pytest.fixture
def published(editor):
    """A Декада of an УСЗН office (10,000 registered, 40 questionnaires: 0.4 %)
    and an institution (100 recipients, 35 questionnaires: 35 %), recomputed
    and published as version 1."""
    office = OrganisationFactory(
        code="U",
        short_name="ТО УСЗН",
        kind=OrganisationKind.USZN_OFFICE,
        registered_count=10_000,
    )
    centre = OrganisationFactory(code="A", short_name="КЦСОН", recipients_count=100)
    campaign = DecadeCampaignFactory(organisations=[office, centre])
    lifecycle.open_campaign(campaign, editor)
    _responses(campaign, office, 40)
    _responses(campaign, centre, 35)
    assert lifecycle.stage_of(campaign) == Stage.RESULTS_IN
    preview = lifecycle.recompute(campaign, editor)
    assert lifecycle.stage_of(campaign) == Stage.RECOMPUTED
    assert [(row.organisation.short_name, row.added) for row in preview.rows] == [
        ("КЦСОН", True),
        ("ТО УСЗН", True),
    ]
    lifecycle.send_to_council(campaign, editor)
    council_approves(campaign)
    publication = lifecycle.publish(campaign, editor)
    assert (publication.version, publication.note) == (1, "Первая публикация")
    return campaign, office, centre


def test_publishing_freezes_the_figures_as_version_1(published):
    campaign, office, centre = published
    assert lifecycle.stage_of(campaign) == Stage.PUBLISHED
    publication, rows = decade_versions.version_rows(campaign, 1)
    assert publication.decade_version.bases == {
        str(office.pk): 10_000,
        str(centre.pk): 100,
    }
    assert [(row.organisation.short_name, row.figures) for row in rows] == [
        (
            "КЦСОН",
            DecadeFigures(35, 100, Decimal("35.00"), True, Decimal("100.00")),
        ),
        (
            "ТО УСЗН",
            DecadeFigures(40, 10_000, Decimal("0.40"), False, Decimal("100.00")),
        ),
    ]
    assert sample_bases.stored_bases(campaign) == {office.pk: 10_000, centre.pk: 100}


def test_a_correction_needs_a_recompute_a_change_and_a_note(published, editor):
    campaign, _office, centre = published
    # Five late questionnaires, four of them not satisfied as a whole.
    _responses(campaign, centre, 4, {**YES_TO_ALL, "q15": False})
    _responses(campaign, centre, 1)
    with pytest.raises(LifecycleError, match="изменились после пересчёта"):
        lifecycle.correct(campaign, editor, note="Учтены анкеты")
    preview = lifecycle.recompute(campaign, editor)
    assert [
        (row.organisation.short_name, row.changed, row.pairs())
        for row in preview.modified
    ] == [
        (
            "КЦСОН",
            True,
            [
                ("Анкет учтено", 35, 40),
                ("База выборки", 100, 100),
                ("Доля выборки", Decimal("35.00"), Decimal("40.00")),
                ("Удовлетворены в целом", Decimal("100.00"), Decimal("90.00")),
            ],
        )
    ]
    with pytest.raises(LifecycleError, match="Укажите примечание для публики"):
        lifecycle.correct(campaign, editor, note=" ")
    publication = lifecycle.correct(
        campaign, editor, note="Учтены пять анкет, поступивших позже."
    )
    assert (publication.version, publication.note) == (
        2,
        "Учтены пять анкет, поступивших позже.",
    )
    assert lifecycle.stage_of(campaign) == Stage.CORRECTED
    # The earlier version stays readable as it was.
    _, first = decade_versions.version_rows(campaign, 1)
    _, second = decade_versions.version_rows(campaign, 2)
    assert [row.figures.counted for row in first] == [35, 40]
    assert [row.figures.counted for row in second] == [40, 40]
    with pytest.raises(
        LifecycleError, match="не отличаются от опубликованной версии 2"
    ):
        lifecycle.correct(campaign, editor, note="Ещё раз")
    with pytest.raises(Exception, match="нет опубликованной версии 3"):
        decade_versions.version_rows(campaign, 3)


def test_questionnaires_loaded_after_publication_change_nothing_public_until_corrected(
    client, published, editor
):
    campaign, _office, centre = published
    before = selectors.decade_overview(campaign)
    api_before = client.get(f"/api/v1/campaigns/{campaign.slug}/decade/").json()
    assert before.summaries[centre.pk].counted == 35

    _responses(campaign, centre, 5, {**YES_TO_ALL, "q15": False})

    after = selectors.decade_overview(campaign)
    assert after == before  # every figure, share and note as published
    assert selectors.decade_summary(campaign, centre) == before.summaries[centre.pk]
    assert client.get(f"/api/v1/campaigns/{campaign.slug}/decade/").json() == api_before
    lifecycle.recompute(campaign, editor)
    lifecycle.correct(campaign, editor, note="Учтены пять анкет, поступивших позже.")
    corrected = selectors.decade_summary(campaign, centre)
    assert corrected.counted == 40
    assert corrected.question("q15").share == Decimal("87.50")


def test_a_frozen_summary_reads_back_equal_to_the_computed_one(published):
    from evaluation.decade import summary as decade

    campaign, _office, centre = published
    _responses(campaign, centre, 2, {**YES_TO_ALL, "q1": False, "q2": True})
    for summary in decade_versions.working_summaries(campaign).values():
        data = decade.summary_to_json(summary)
        assert decade.summary_from_json(data) == summary
        assert decade.summary_to_json(decade.summary_from_json(data)) == data


def test_an_edited_base_after_publication_is_audited_and_changes_nothing_public(
    client, published, editor
):
    campaign, office, _centre = published
    shown = selectors.decade_summary(campaign, office).sample
    assert (shown.base, shown.share, shown.adequate) == (10_000, Decimal("0.40"), False)
    client.force_login(editor)
    stored = SampleBase.objects.get(campaign=campaign, organisation=office)
    response = client.post(
        reverse(SampleBaseViewSet().get_url_name("edit"), args=[stored.pk]),
        {
            "campaign": campaign.pk,
            "organisation": office.pk,
            "base": "7000",
            "source": SampleBase.Source.MANUAL,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="sample_base.change")
    assert event.actor == editor
    assert (event.data["before"], event.data["after"]) == (10_000, 7_000)
    assert event.summary == (
        f"База выборки «ТО УСЗН» в «{campaign}» изменена после публикации: "
        "10\u00a0000 → 7000. Опубликованные итоги не меняются до публикации исправления."
    )
    # The published figure keeps the base frozen with version 1 …
    shown = selectors.decade_summary(campaign, office).sample
    assert (shown.base, shown.share, shown.adequate) == (10_000, Decimal("0.40"), False)
    # … until a correction is recomputed and published.
    lifecycle.recompute(campaign, editor)
    lifecycle.correct(campaign, editor, note="Уточнена база выборки ТО УСЗН.")
    shown = selectors.decade_summary(campaign, office).sample
    assert (shown.base, shown.share, shown.adequate) == (7_000, Decimal("0.57"), True)


def test_a_base_changed_before_publication_is_not_audited(editor):
    centre = OrganisationFactory(code="A", recipients_count=100)
    campaign = DecadeCampaignFactory(organisations=[centre])
    lifecycle.open_campaign(campaign, editor)
    sample_bases.set_base(campaign, centre, 90, actor=editor)
    sample_bases.set_base(campaign, centre, 80, actor=editor)
    assert not AuditEvent.objects.filter(action="sample_base.change").exists()
    assert get_user_model().objects.count() == 1


def test_the_admin_preview_of_a_decade_shows_its_own_figures(client, published, editor):
    campaign, _office, centre = published
    _responses(campaign, centre, 5)
    lifecycle.recompute(campaign, editor)
    client.force_login(editor)
    page = client.get(
        reverse("qp_campaign_preview", args=[campaign.pk]) + "?changed=1"
    ).content.decode()
    page = page[page.index("<caption>Предпросмотр результатов") :]
    page = page[: page.index("</table>")]
    headings = re.findall(r'<th scope="col">([^<]+)</th>', page)
    assert headings == [
        "Организация",
        "Изменение",
        "Анкет учтено",
        "База выборки",
        "Доля выборки",
        "Удовлетворены в целом",
    ]
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td>(.*?)</td>", page, re.S)
    ]
    assert cells == [
        "КЦСОН",
        "изменена",
        "35 → 40",
        "100",
        "35,0\u00a0% → 40,0\u00a0%",
        "100,0\u00a0%",
    ]


def test_every_published_version_stays_readable_in_the_api(client, published, editor):
    campaign, office, centre = published
    _responses(campaign, centre, 5)
    lifecycle.recompute(campaign, editor)
    lifecycle.correct(campaign, editor, note="Учтены пять анкет, поступивших позже.")
    api = f"/api/v1/campaigns/{campaign.slug}/decade/"

    def version(number: int) -> tuple:
        data = client.get(f"{api}?version={number}").json()
        return (
            data["version"],
            data["note"],
            data["counted"],
            [
                (row["organisation"], row["counted"], row["sample_share"])
                for row in data["organisations"]
            ],
        )

    assert version(1) == (
        1,
        "Первая публикация",
        75,
        [(centre.slug, 35, "35.00"), (office.slug, 40, "0.40")],
    )
    assert version(2) == (
        2,
        "Учтены пять анкет, поступивших позже.",
        80,
        [(centre.slug, 40, "40.00"), (office.slug, 40, "0.40")],
    )
    missing = client.get(f"{api}?version=3")
    assert missing.status_code == 404
    assert "нет опубликованной версии 3" in str(missing.json())
    bad = client.get(f"{api}?version=первая")
    assert bad.status_code == 400
    assert "Укажите номер версии целым положительным числом, например 1." in str(
        bad.json()
    )
