"""Services over the database: recompute, publish, validation, provenance."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluation import selectors
from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    DataSource,
    OrganisationKind,
)
from evaluation.exceptions import EvaluationError, NothingToPublishError
from evaluation.models import (
    AuditEvent,
    Campaign,
    District,
    ImprovementPlan,
    IndicatorInput,
    Measure,
    Organisation,
    PublishedResult,
    Result,
    TargetIndicator,
    TargetIndicatorValue,
)
from evaluation.nok import services
from evaluation.rating import RatingInputError
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B, EXPECTED_A, EXPECTED_B

pytestmark = pytest.mark.django_db


def _district(slug: str = "north") -> District:
    return District.objects.get_or_create(
        slug=slug, defaults={"name": f"Район {slug}"}
    )[0]


def _organisation(
    code: str, kind=OrganisationKind.COMPLEX_CENTRE, district=None
) -> Organisation:
    return Organisation.objects.create(
        name=f"Организация {code}",
        short_name=f"Орг {code}",
        slug=f"org-{code.lower()}",
        code=code,
        kind=kind,
        district=district or _district(),
    )


def _campaign(year: int = 2024) -> Campaign:
    return Campaign.objects.create(
        kind=CampaignKind.NOK,
        year=year,
        title=f"НОК {year}",
        slug=f"nok-{year}",
        period_start=date(year, 3, 1),
        period_end=date(year, 10, 31),
        status=CampaignStatus.REVIEW,
    )


@pytest.fixture
def rated_campaign() -> tuple[Campaign, Organisation, Organisation]:
    campaign = _campaign()
    a, b = _organisation("A"), _organisation("B")
    campaign.organisations.set([a, b])
    services.save_indicator_inputs(
        campaign, a, EXAMPLE_A, source=DataSource.IMPORT, reference="nok-2024.xlsx"
    )
    services.save_indicator_inputs(campaign, b, EXAMPLE_B)
    services.recompute_campaign(campaign)
    return campaign, a, b


def _figures(result) -> dict:
    return {
        "indicators": result.indicators,
        "criteria": {f"K{i}": str(getattr(result, f"k{i}")) for i in range(1, 6)},
        "total": str(result.total),
    }


def test_recompute_reproduces_both_worked_examples_to_the_cent(rated_campaign) -> None:
    campaign, a, b = rated_campaign
    assert _figures(Result.objects.get(campaign=campaign, organisation=a)) == EXPECTED_A
    assert _figures(Result.objects.get(campaign=campaign, organisation=b)) == EXPECTED_B


def test_recompute_ranks_densely_best_first(rated_campaign) -> None:
    campaign, _a, _b = rated_campaign
    ranks = dict(
        Result.objects.filter(campaign=campaign).values_list(
            "organisation__code", "rank"
        )
    )
    assert ranks == {"A": 1, "B": 2}  # 89.28 > 88.01


def test_publish_freezes_a_snapshot_that_later_changes_cannot_touch(
    rated_campaign,
) -> None:
    campaign, a, _ = rated_campaign
    first = services.publish_campaign(campaign, note="")
    changed = copy.deepcopy(EXAMPLE_A)
    changed["yes"]["q15"] = 100
    services.save_indicator_inputs(campaign, a, changed)
    services.recompute_campaign(campaign)
    assert Result.objects.get(campaign=campaign, organisation=a).total != Decimal(
        "89.28"
    )
    frozen = PublishedResult.objects.get(publication=first, organisation=a)
    assert frozen.total == Decimal("89.28")
    assert selectors.published_results(campaign).get(organisation=a).total == Decimal(
        "89.28"
    )


def test_a_correction_is_a_new_version_and_needs_a_public_note(rated_campaign) -> None:
    campaign, _a, _ = rated_campaign
    services.publish_campaign(campaign)
    with pytest.raises(NothingToPublishError, match="примечанием"):
        services.publish_campaign(campaign, note="  ")
    second = services.publish_campaign(campaign, note="Исправлена ошибка ввода по В15")
    assert second.version == 2
    assert selectors.latest_publication(campaign) == second


def test_publishing_nothing_is_refused() -> None:
    with pytest.raises(NothingToPublishError):
        services.publish_campaign(_campaign())


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("respondents", -1, "respondents"),
        ("yes.q9", 201, "yes.q9"),
        ("info_stand.present", 21, "info_stand.present"),
        ("method", "160-балльная", "method"),
    ],
)
def test_bad_inputs_are_refused_naming_the_field_and_nothing_is_saved(
    path, value, field
) -> None:
    campaign = _campaign()
    organisation = _organisation("A")
    data = copy.deepcopy(EXAMPLE_A)
    head, _, tail = path.partition(".")
    if tail:
        data[head][tail] = value
    else:
        data[head] = value
    with pytest.raises(RatingInputError) as raised:
        services.save_indicator_inputs(campaign, organisation, data)
    assert field in {error.field for error in raised.value.errors}
    assert all(
        any("а" <= ch <= "я" for ch in e.message.lower()) for e in raised.value.errors
    )
    assert not IndicatorInput.objects.exists()
    assert not AuditEvent.objects.exists()


def test_invalid_stored_inputs_abort_the_whole_recompute(rated_campaign) -> None:
    campaign, _a, b = rated_campaign
    before = dict(
        Result.objects.filter(campaign=campaign).values_list("organisation_id", "total")
    )
    IndicatorInput.objects.filter(organisation=b).update(
        respondents=10
    )  # yes counts now exceed it
    with pytest.raises(RatingInputError, match="Орг B"):
        services.recompute_campaign(campaign)
    after = dict(
        Result.objects.filter(campaign=campaign).values_list("organisation_id", "total")
    )
    assert after == before


def test_model_validation_names_the_field_in_russian() -> None:
    campaign = _campaign()
    data = copy.deepcopy(EXAMPLE_A)
    item = IndicatorInput(
        campaign=campaign,
        organisation=_organisation("A"),
        respondents=200,
        info_stand_present=25,
        info_stand_required=20,
        info_site_present=27,
        info_site_required=30,
        remote_channels=3,
        comfort_conditions=4,
        premises_access=3,
        service_access=4,
        yes=data["yes"],
    )
    with pytest.raises(ValidationError) as raised:
        item.full_clean()
    assert "info_stand_present" in raised.value.message_dict


def test_pre_2018_method_is_refused_on_the_campaign() -> None:
    campaign = _campaign()
    campaign.method_version = "10-балльная"
    with pytest.raises(ValidationError) as raised:
        campaign.full_clean()
    assert "несопоставимы" in raised.value.message_dict["method_version"][0]


def test_percent_target_above_100_is_refused() -> None:
    indicator = TargetIndicator.objects.create(title="Доля удовлетворённых", unit="%")
    value = TargetIndicatorValue(indicator=indicator, year=2024, planned=Decimal("101"))
    with pytest.raises(ValidationError) as raised:
        value.full_clean()
    assert "больше 100" in raised.value.message_dict["planned"][0]


def test_how_computed_traces_a_published_number_to_its_source(rated_campaign) -> None:
    campaign, a, b = rated_campaign
    services.publish_campaign(campaign)
    result = selectors.published_results(campaign).get(organisation=a)
    answer = selectors.how_computed(result, "1.1")
    assert answer["published_value"] == "90.00"
    assert answer["consistent"] is True
    assert answer["source"] == {
        "kind": "import",
        "label": "Импорт файла",
        "reference": "nok-2024.xlsx",
    }
    assert answer["method"] == "344n-social"
    assert answer["publication"]["version"] == 1
    total = selectors.how_computed(
        selectors.published_results(campaign).get(organisation=b), "total"
    )
    assert total["value"] == "88.01"
    assert total["source"]["kind"] == "manual"


def test_aggregates_are_exact_means_per_group(rated_campaign) -> None:
    campaign, *_ = rated_campaign
    services.publish_campaign(campaign)
    region = selectors.aggregates(campaign)["region"]["total"]
    # (89.28 + 88.01) / 2 = 88.645 -> 88.65 (half-up; a float mean could give 88.64)
    assert (region.mean, region.min, region.max, region.count) == (
        Decimal("88.65"),
        Decimal("88.01"),
        Decimal("89.28"),
        2,
    )
    by_kind = selectors.aggregates(campaign, group_by="kind")
    assert set(by_kind) == {OrganisationKind.COMPLEX_CENTRE}


def test_compare_allows_at_most_four(rated_campaign) -> None:
    campaign, a, b = rated_campaign
    services.publish_campaign(campaign)
    assert [r.organisation for r in selectors.compare(campaign, [b.pk, a.pk])] == [b, a]
    with pytest.raises(ValueError, match="четырёх"):
        selectors.compare(campaign, [1, 2, 3, 4, 5])


def test_measure_effect_is_the_change_of_its_indicator_next_campaign(
    rated_campaign,
) -> None:
    campaign, _a, b = rated_campaign
    services.publish_campaign(campaign)
    plan = ImprovementPlan.objects.create(organisation=b, campaign=campaign, year=2025)
    measure = Measure.objects.create(
        plan=plan,
        criterion="K1",
        indicator_code="1.1",
        deficiency="Неполная информация на стендах",
        action="Обновить стенды",
        planned_date=date(2025, 3, 1),
        responsible_name="Иванова И. И.",
        responsible_position="заместитель директора",
    )
    (pending,) = selectors.measure_effects([measure])
    assert pending.change is None and "не опубликована" in pending.reason

    next_year = _campaign(2025)
    next_year.organisations.set([b])
    improved = copy.deepcopy(EXAMPLE_B)
    improved["info_stand"] = {"present": 13, "required": 13}
    services.save_indicator_inputs(next_year, b, improved)
    services.recompute_campaign(next_year)
    services.publish_campaign(next_year)
    (effect,) = selectors.measure_effects([measure])
    assert effect.before == Decimal("86.95")
    # 0.5 × (13/13 + 25/28) × 100 = 94.64
    assert effect.after == Decimal("94.64")
    assert effect.change == Decimal("7.69")
    assert effect.after_campaign == next_year


def test_only_a_campaign_under_review_is_published(rated_campaign) -> None:
    campaign, *_ = rated_campaign
    campaign.status = CampaignStatus.COLLECTING
    campaign.save()
    with pytest.raises(EvaluationError, match="на проверке"):
        services.publish_campaign(campaign)
    assert not campaign.publications.exists()


def test_recompute_audit_counts_organisations_in_agreement(rated_campaign) -> None:
    campaign, a, _b = rated_campaign
    event = AuditEvent.objects.filter(action="recompute").latest("pk")
    assert event.summary == "Пересчитаны результаты: НОК 2024 (2\u00a0организации)"
    campaign.organisations.set([a])
    IndicatorInput.objects.filter(campaign=campaign).exclude(organisation=a).delete()
    services.recompute_campaign(campaign)
    event = AuditEvent.objects.filter(action="recompute").latest("pk")
    assert event.summary == "Пересчитаны результаты: НОК 2024 (1\u00a0организация)"
