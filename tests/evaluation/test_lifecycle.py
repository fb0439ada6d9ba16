"""The campaign life cycle: stages, transitions, refusals, preview and publication safety."""

from __future__ import annotations

import copy
import threading
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from evaluation import roles, selectors
from evaluation.enums import CampaignStatus, SurveyChannel
from evaluation.formatting import format_number
from evaluation.models import (
    AuditEvent,
    Campaign,
    IndicatorInput,
    Publication,
    PublishedResult,
    SurveyResponse,
)
from evaluation.nok import lifecycle, services
from evaluation.nok.lifecycle import Action, LifecycleError, Stage
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.factories.council import council_approves
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory
from tests.factories.helpers import audit_actions, nok_2025, nok_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


@pytest.fixture
def two():
    return OrganisationFactory(short_name="Орг А"), OrganisationFactory(
        short_name="Орг Б"
    )


@pytest.fixture
def collected(two, editor):
    """A НОК campaign collecting data, with both organisations' inputs in."""
    a, b = two
    campaign = nok_2025(a, b)
    lifecycle.open_campaign(campaign, editor)
    services.save_indicator_inputs(campaign, a, EXAMPLE_A)
    services.save_indicator_inputs(campaign, b, EXAMPLE_B)
    return campaign


@pytest.fixture
def published(collected, editor):
    lifecycle.recompute(collected, editor)
    lifecycle.send_to_council(collected, editor)
    council_approves(collected)
    lifecycle.publish(collected, editor)
    return collected


def _refused(match: str):
    return pytest.raises(LifecycleError, match=match)


def test_a_nok_campaign_goes_through_every_stage(two, editor) -> None:
    a, b = two
    campaign = nok_2025(a, b)
    assert lifecycle.stage_of(campaign) == Stage.SET_UP
    assert lifecycle.available_actions(campaign) == [Action.OPEN]

    lifecycle.open_campaign(campaign, editor)
    assert lifecycle.stage_of(campaign) == Stage.COLLECTING
    assert lifecycle.available_actions(campaign) == []

    services.save_indicator_inputs(campaign, a, EXAMPLE_A)
    services.save_indicator_inputs(campaign, b, EXAMPLE_B)
    assert lifecycle.stage_of(campaign) == Stage.RESULTS_IN
    assert lifecycle.available_actions(campaign) == [Action.RECOMPUTE]

    preview = lifecycle.recompute(campaign, editor)
    assert lifecycle.stage_of(campaign) == Stage.RECOMPUTED
    assert [row.organisation for row in preview.rows] == [a, b]  # A ranks first
    assert all(row.added for row in preview.rows)
    assert lifecycle.available_actions(campaign) == [
        Action.RECOMPUTE,
        Action.SEND_TO_COUNCIL,
    ]

    lifecycle.send_to_council(campaign, editor)
    assert lifecycle.stage_of(campaign) == Stage.COUNCIL
    # Publishing waits for the council's decision on the results page.
    assert lifecycle.available_actions(campaign) == [Action.RETURN]
    with _refused("дождитесь его решения"):
        lifecycle.publish(campaign, editor)

    council_approves(campaign)
    assert lifecycle.available_actions(campaign) == [Action.RETURN, Action.PUBLISH]
    publication = lifecycle.publish(campaign, editor)
    assert publication.version == 1
    assert lifecycle.stage_of(campaign) == Stage.PUBLISHED
    assert selectors.latest_publication(campaign) == publication
    assert campaign in selectors.published_campaigns()

    actions = audit_actions("qp_evaluation.campaign", campaign.pk)
    assert actions == [
        "campaign.status",
        "recompute",
        "campaign.status",
        "publish",
    ]


def test_refusals_say_what_to_do_first(two, editor) -> None:
    a, _b = two
    empty = nok_2025()
    with _refused("нет организаций: сначала добавьте их"):
        lifecycle.open_campaign(empty, editor)
    campaign = nok_campaign(2026, a)
    with _refused("сначала начните сбор данных"):
        lifecycle.recompute(campaign, editor)
    lifecycle.open_campaign(campaign, editor)
    with _refused("Нет исходных данных .*сначала загрузите результаты"):
        lifecycle.recompute(campaign, editor)
    with _refused("Сначала направьте .* на рассмотрение общественного совета"):
        lifecycle.publish(campaign, editor)
    services.save_indicator_inputs(campaign, a, EXAMPLE_A)
    with _refused("сначала пересчитайте"):
        lifecycle.send_to_council(campaign, editor)
    assert campaign.status == CampaignStatus.COLLECTING


def test_publishing_stale_results_is_refused_until_recomputed(collected, editor):
    lifecycle.recompute(collected, editor)
    lifecycle.send_to_council(collected, editor)
    lifecycle.return_for_rework(collected, editor)
    # the operator uploads a correction after the recomputation
    services.save_indicator_inputs(
        collected, collected.organisations.get(short_name="Орг Б"), EXAMPLE_A
    )
    assert lifecycle.stage_of(collected) == Stage.RESULTS_IN
    with _refused("изменились после расчёта .* сначала пересчитайте"):
        lifecycle.send_to_council(collected, editor)


def test_inputs_changed_by_a_bulk_update_make_results_stale(collected, editor):
    """An import updates inputs with ``QuerySet.update()`` (no modification time)."""
    lifecycle.recompute(collected, editor)
    assert lifecycle.stage_of(collected) == Stage.RECOMPUTED
    IndicatorInput.objects.filter(campaign=collected).update(respondents=250)
    assert lifecycle.stage_of(collected) == Stage.RESULTS_IN
    with _refused("сначала пересчитайте"):
        lifecycle.send_to_council(collected, editor)
    lifecycle.recompute(collected, editor)
    IndicatorInput.objects.filter(campaign=collected).update(source_reference="v2.xlsx")
    assert lifecycle.stage_of(collected) == Stage.RESULTS_IN
    lifecycle.recompute(collected, editor)
    IndicatorInput.objects.filter(campaign=collected).first().delete()
    assert lifecycle.stage_of(collected) == Stage.RESULTS_IN


def test_only_editors_run_the_life_cycle(collected, django_user_model) -> None:
    council = django_user_model.objects.create_user("council")
    council.groups.add(Group.objects.get(name=roles.COUNCIL))
    with pytest.raises(PermissionDenied, match="только редакторы"):
        lifecycle.recompute(collected, council)
    assert not AuditEvent.objects.filter(action="recompute").exists()


def test_a_second_publish_is_refused_and_makes_no_version(published, editor):
    stale = Campaign.objects.get(pk=published.pk)
    stale.status = CampaignStatus.REVIEW  # what a second editor's page still shows
    with _refused("уже опубликованы: чтобы изменить их, пересчитайте"):
        lifecycle.publish(stale, editor)
    assert Publication.objects.filter(campaign=published).count() == 1


def test_correction_publishes_version_two_with_a_note_and_keeps_version_one(
    published, two, editor
) -> None:
    _a, b = two
    with _refused("не отличаются от опубликованной версии 1"):
        lifecycle.correct(published, editor, note="Исправлены данные")
    better_b = copy.deepcopy(EXAMPLE_A)
    better_b["respondents"] = 210
    services.save_indicator_inputs(published, b, better_b)
    with _refused("сначала пересчитайте"):
        lifecycle.correct(published, editor, note="Исправлены данные")
    preview = lifecycle.recompute(published, editor)
    assert preview.publication.version == 1
    assert [row.organisation for row in preview.modified] == [b]
    (row_b,) = preview.modified
    assert row_b.before.total != row_b.after.total
    assert ("Итог", row_b.before.total, row_b.after.total) in row_b.pairs()
    # the public still sees version 1 until the correction is published
    assert selectors.latest_publication(published).version == 1
    with _refused("Укажите примечание для публики"):
        lifecycle.correct(published, editor, note="  ")

    second = lifecycle.correct(published, editor, note="Исправлены ответы Орг Б")
    assert second.version == 2
    assert second.note == "Исправлены ответы Орг Б"
    assert lifecycle.stage_of(published) == Stage.CORRECTED
    first = Publication.objects.get(campaign=published, version=1)
    assert PublishedResult.objects.filter(publication=first).count() == 2
    assert (
        PublishedResult.objects.get(publication=first, organisation=b).total
        == row_b.before.total
    )


def test_a_publish_failing_half_way_leaves_the_previous_version_serving(
    published, two, editor, monkeypatch
) -> None:
    _a, b = two
    services.save_indicator_inputs(published, b, EXAMPLE_A)
    lifecycle.recompute(published, editor)
    calls = []

    def broken(rows, **kwargs):
        calls.append(len(rows))
        raise RuntimeError("диск заполнен")

    monkeypatch.setattr(services, "bulk_insert", broken)
    with pytest.raises(RuntimeError):
        lifecycle.correct(published, editor, note="Исправление")
    assert calls  # it did fail half way: after the publication row was created
    published.refresh_from_db()
    assert published.status == CampaignStatus.PUBLISHED
    assert list(published.publications.values_list("version", flat=True)) == [1]
    assert selectors.published_results(published).count() == 2
    assert not AuditEvent.objects.filter(action="publish", data__version=2).exists()


def test_withdrawal_needs_a_public_explanation(published, editor) -> None:
    with _refused("Укажите публичное пояснение"):
        lifecycle.withdraw(published, editor)
    lifecycle.withdraw(published, editor, note="Оператор нарушил порядок опроса.")
    published.refresh_from_db()
    assert published.status == CampaignStatus.WITHDRAWN
    assert published.withdrawal_note == "Оператор нарушил порядок опроса."
    assert published.withdrawn_at is not None
    assert lifecycle.stage_of(published) == Stage.WITHDRAWN
    assert published not in selectors.published_campaigns()
    assert selectors.latest_publication(published) is None
    assert lifecycle.available_actions(published) == []
    with _refused("отозваны: изменить кампанию нельзя"):
        lifecycle.recompute(published, editor)


def test_a_decade_is_opened_sent_to_council_and_published(editor) -> None:
    organisation = OrganisationFactory()
    decade = DecadeCampaignFactory(organisations=[organisation])
    lifecycle.open_campaign(decade, editor)
    assert lifecycle.stage_of(decade) == Stage.COLLECTING
    with _refused("Анкет и сводной информации .* ещё нет: .* затем пересчитайте"):
        lifecycle.recompute(decade, editor)
    with _refused("Анкет и сводной информации .* ещё нет: дождитесь ответов граждан"):
        lifecycle.send_to_council(decade, editor)
    SurveyResponse.objects.create(
        campaign=decade,
        organisation=organisation,
        answers={"q1": True},
        channel=SurveyChannel.values[0],
        collected_on=date(2024, 4, 10),
    )
    assert lifecycle.stage_of(decade) == Stage.RESULTS_IN
    lifecycle.send_to_council(decade, editor)
    council_approves(decade)
    assert lifecycle.publish(decade, editor).version == 1
    assert decade.status == CampaignStatus.PUBLISHED
    with _refused("изменились после пересчёта .* сначала пересчитайте"):
        lifecycle.correct(decade, editor, note="x")


@pytest.mark.postgresql  # row locks; SQLite serialises writes on its own
@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_make_one_version(
    two, django_user_model
) -> None:
    editor = django_user_model.objects.create_superuser("boss", "", "pw")
    a, b = two
    campaign = nok_2025(a, b)
    lifecycle.open_campaign(campaign, editor)
    services.save_indicator_inputs(campaign, a, EXAMPLE_A)
    services.save_indicator_inputs(campaign, b, EXAMPLE_B)
    lifecycle.recompute(campaign, editor)
    lifecycle.send_to_council(campaign, editor)
    council_approves(campaign)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press() -> None:
        from django.db import connections

        try:
            barrier.wait()
            lifecycle.publish(Campaign.objects.get(pk=campaign.pk), editor)
            outcomes.append("published")
        except LifecycleError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "refused"]
    assert Publication.objects.filter(campaign=campaign).count() == 1


def test_earlier_versions_stay_readable_and_withdrawal_is_explained_in_the_api(
    published, two, editor, client
) -> None:
    _a, b = two
    services.save_indicator_inputs(published, b, EXAMPLE_A)
    lifecycle.recompute(published, editor)
    lifecycle.correct(published, editor, note="Исправлены ответы Орг Б")

    def totals(query: str) -> dict[str, str]:
        response = client.get(f"/api/v1/results/?campaign=nok-2025{query}")
        assert response.status_code == 200
        return {
            row["organisation"]["short_name"]: row["total"]
            for row in response.json()["results"]
        }

    first, second = totals("&version=1"), totals("")
    assert totals("&version=2") == second
    assert first["Орг Б"] != second["Орг Б"]
    assert first["Орг Б"] == str(
        PublishedResult.objects.get(
            publication__campaign=published, publication__version=1, organisation=b
        ).total
    )
    campaign = client.get("/api/v1/campaigns/nok-2025/").json()
    assert campaign["publication"]["version"] == 2
    assert campaign["publication"]["note"] == "Исправлены ответы Орг Б"

    lifecycle.withdraw(published, editor, note="Опрос проведён с нарушениями.")
    assert totals("") == {}
    campaign = client.get("/api/v1/campaigns/nok-2025/").json()
    assert campaign["status"] == "withdrawn"
    assert campaign["withdrawal_note"] == "Опрос проведён с нарушениями."


def test_the_results_page_shows_the_correction_and_the_withdrawal(
    published_region, client, django_capture_on_commit_callbacks
) -> None:
    campaign = published_region.latest
    worst = selectors.published_results(campaign).last().organisation
    services.save_indicator_inputs(campaign, worst, EXAMPLE_A)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.recompute(campaign)
        lifecycle.correct(campaign, note="Исправлены данные одной организации")
    html = client.get(published_region.results_page.url).content.decode()
    assert "Версия публикации 2" in html
    assert "Исправлены данные одной организации" in html
    assert f"?campaign={campaign.slug}&amp;version=1" in html
    card_url = published_region.directory.card_url(worst)
    card = client.get(card_url).content.decode()
    assert "Версия публикации 2" in card
    assert "Исправлены данные одной организации" in card
    own_url = published_region.directory.card_url(worst, campaign)
    assert f'<a href="{own_url}?version=1">версия 1</a>' in card
    assert "Это прежняя версия" not in card
    earlier = client.get(own_url, {"version": "1"}).content.decode()
    assert "Версия публикации 1" in earlier
    assert "Это прежняя версия:" in earlier
    assert f'версия 2, <a href="{own_url}">действующие результаты</a>' in earlier
    first = Publication.objects.get(campaign=campaign, version=1)
    old_total = first.results.get(organisation=worst).total
    now_total = selectors.published_results(campaign).get(organisation=worst).total
    assert old_total != now_total
    shown = BeautifulSoup(earlier, "html.parser").select_one(
        "section[aria-labelledby=org-total] .score"
    )
    assert shown.get_text(strip=True) == format_number(old_total, 2)
    for wrong in ("9", "x", "0"):
        assert client.get(own_url, {"version": wrong}).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(campaign, note="Оператор нарушил порядок опроса.")
    html = client.get(published_region.results_page.url).content.decode()
    assert "Результаты этой кампании отозваны" in html
    assert "Оператор нарушил порядок опроса." in html
    assert "Версия публикации" not in html


def test_organisations_are_chosen_by_kind_district_or_a_pasted_list(editor) -> None:
    from evaluation.enums import OrganisationKind
    from tests.factories.evaluation import DistrictFactory

    north, south = DistrictFactory(name="Север"), DistrictFactory(name="Юг")
    uszn = [
        OrganisationFactory(kind=OrganisationKind.USZN_OFFICE, district=d)
        for d in (north, north, south)
    ]
    centre = OrganisationFactory(code="C-1", inn="2400000009", district=south)
    other = OrganisationFactory(code="C-2", district=north)
    campaign = nok_2025()

    done = lifecycle.change_organisations(
        campaign, editor, kinds=[OrganisationKind.USZN_OFFICE], districts=[north]
    )
    assert (done.added, done.total) == (2, 2)
    with _refused("Не найдены организации с кодом или ИНН: NOPE"):
        lifecycle.change_organisations(campaign, editor, keys="2400000009\nNOPE")
    assert campaign.organisations.count() == 2  # nothing changed
    done = lifecycle.change_organisations(campaign, editor, keys="2400000009; C-2")
    assert done.added == 2
    done = lifecycle.change_organisations(campaign, editor, districts=[south])
    assert (done.added, done.total) == (1, 5)  # the Юг УСЗН; the centre is in
    assert set(campaign.organisations.all()) == {*uszn, centre, other}
    done = lifecycle.change_organisations(campaign, editor, keys="C-2", remove=True)
    assert (done.removed, done.total) == (1, 4)
    with _refused("Выберите вид или район"):
        lifecycle.change_organisations(campaign, editor)
    assert AuditEvent.objects.filter(action="campaign.organisations").count() == 4


def test_organisations_are_fixed_once_results_go_to_the_council(published, editor):
    with _refused("меняется только при подготовке и сборе данных"):
        lifecycle.change_organisations(published, editor, keys="x")


def test_preview_labels_criteria_in_cyrillic() -> None:
    """The НОК preview heads its columns as Russian text writes criteria."""
    from evaluation.nok.lifecycle import Figures

    assert Figures.LABELS == ("Итог", "Место", "К1", "К2", "К3", "К4", "К5")
    assert all("K" not in label for label in Figures.LABELS)  # no Latin K
