"""Regional additional indicators of a method version (issue 25, item 4).

Seed 001, Part II, item 2: the region may add indicators to the federal 15.
They are computed from the same counts with the same exactness, stored and
published apart, shown in a block marked «региональный показатель», and never
enter the federal total unless the version puts them into a criterion.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from evaluation.enums import CampaignKind, CampaignStatus, OrganisationKind
from evaluation.models import Campaign, District, Organisation, PublishedResult
from evaluation.nok import services
from evaluation.rating import (
    REGIONAL_METHOD_CODE,
    CountRatio,
    CountSum,
    RatingInputError,
    RegionalIndicator,
    get_method,
    parse_inputs,
    rate,
    regional_indicators,
)
from evaluation.rating.explain import explain
from publications.models import MethodologyPage
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B

FEDERAL = get_method("344n-social")
REGIONAL = get_method(REGIONAL_METHOD_CODE)


def _inputs(data: dict, **yes: int):
    data = copy.deepcopy(data)
    data["method"] = REGIONAL_METHOD_CODE
    data["yes"].update(yes)
    return parse_inputs(data)


def _federal_inputs(data: dict):
    data = copy.deepcopy(data)
    data["method"] = "344n-social"
    return parse_inputs(data)


def _plain_inputs(data: dict):
    """Inputs naming no method, for versions made in a test."""
    data = copy.deepcopy(data)
    data.pop("method")
    return parse_inputs(data)


# ------------------------------------------------------------------ method


def test_regional_version_derives_from_the_federal_one() -> None:
    assert REGIONAL.region == "Красноярский край"
    assert REGIONAL.regional_codes == ("Р1",)
    assert REGIONAL.indicator_codes == FEDERAL.indicator_codes
    assert dict(REGIONAL.criterion_weights["K1"]) == dict(
        FEDERAL.criterion_weights["K1"]
    )
    indicator = REGIONAL.regional_indicator("Р1")
    assert indicator.enters_criterion is None
    assert indicator.formula == CountRatio("yes.q3", "answered.q3")
    assert indicator.formula.describe() == (
        "(число ответов «да» на вопрос 3 ÷ число ответивших на вопрос 3) × 100"
    )


def test_values_are_exact_from_counts() -> None:
    # Example A: 120 of 200 respondents used the website.
    assert regional_indicators(_inputs(EXAMPLE_A), REGIONAL) == {"Р1": Decimal("60.00")}
    # 1 ÷ 32 × 100 = 3.125 exactly: half-up gives 3.13 (half-even would 3.12).
    data = copy.deepcopy(EXAMPLE_A)
    data["answered"] = {"q3": 32}
    data["yes"].update(q3=1, q4=1)
    assert regional_indicators(_inputs(data), REGIONAL) == {"Р1": Decimal("3.13")}
    # 1 ÷ 3 × 100 = 33.333… → 33.33; 2 ÷ 3 × 100 = 66.666… → 66.67.
    data["answered"] = {"q3": 3}
    assert regional_indicators(_inputs(data), REGIONAL) == {"Р1": Decimal("33.33")}
    data["yes"].update(q3=2)
    assert regional_indicators(_inputs(data), REGIONAL) == {"Р1": Decimal("66.67")}


def test_one_decimal_rounds_half_up_at_its_own_precision() -> None:
    one_place = dataclasses.replace(
        REGIONAL,
        code="test-one-place",
        regional=(dataclasses.replace(REGIONAL.regional[0], decimals=1),),
    )
    data = copy.deepcopy(EXAMPLE_A)
    data["answered"] = {"q3": 16}
    data["yes"].update(q3=1, q4=1)
    data.pop("method")
    # 1 ÷ 16 × 100 = 6.25 → 6.3
    assert regional_indicators(parse_inputs(data), one_place) == {"Р1": Decimal("6.3")}


def test_zero_denominator_is_no_data_with_a_note() -> None:
    # Example B: nobody used the website (Q3 = 0), but 143 answered Q3.
    data = copy.deepcopy(EXAMPLE_B)
    data["answered"] = {"q3": 0, "q4": 0}
    result = rate(_inputs(data), REGIONAL)
    assert result.regional == {"Р1": None}
    assert result.notes[-1] == (
        "Региональный показатель Р1: нет данных "
        "(число ответивших на вопрос 3 равно нулю)."
    )


@pytest.mark.parametrize("example", [EXAMPLE_A, EXAMPLE_B], ids=["A", "B"])
def test_federal_figures_are_the_same_with_and_without_it(example) -> None:
    federal = rate(_federal_inputs(example), FEDERAL)
    regional = rate(_inputs(example), REGIONAL)
    assert regional.indicators == federal.indicators
    assert regional.criteria == federal.criteria
    assert regional.total == federal.total
    assert regional.notes == federal.notes
    assert federal.regional == {}
    assert "regional" not in federal.to_json()
    assert regional.to_json()["regional"] == {
        "Р1": 60.0 if example is EXAMPLE_A else 0.0
    }
    assert set(regional.indicators) == set(FEDERAL.indicator_codes)


def _entering_k1():
    """The regional version with Р1 in K1 at 0.2 (1.1 and 1.2 at 0.3, 1.3 at 0.2)."""
    weights = {k: dict(v) for k, v in FEDERAL.criterion_weights.items()}
    weights["K1"] = {
        "1.1": Decimal("0.3"),
        "1.2": Decimal("0.3"),
        "1.3": Decimal("0.2"),
        "Р1": Decimal("0.2"),
    }
    return dataclasses.replace(
        REGIONAL,
        code="test-enters-k1",
        criterion_weights=weights,
        regional=(dataclasses.replace(REGIONAL.regional[0], enters_criterion="K1"),),
    )


def test_a_version_that_puts_it_into_a_criterion_changes_that_criterion_only() -> None:
    entering = _entering_k1()
    inputs = _plain_inputs(EXAMPLE_A)
    federal = rate(inputs, FEDERAL)
    result = rate(inputs, entering)
    assert result.indicators == federal.indicators
    assert result.regional == {"Р1": Decimal("60.00")}
    p = federal.indicators
    # K1 = 0.3 × 90 + 0.3 × 90 + 0.2 × 92.5 + 0.2 × 60 = 84.50 exactly.
    assert (p["1.1"], p["1.2"], p["1.3"]) == (
        Decimal("90.00"),
        Decimal("90.00"),
        Decimal("92.50"),
    )
    assert result.criteria["K1"] == Decimal("84.50")
    assert federal.criteria["K1"] == Decimal("91.00")
    for code in ("K2", "K3", "K4", "K5"):
        assert result.criteria[code] == federal.criteria[code]
    # The total is the mean of the published criteria, K1 now 84.50.
    criteria = [result.criteria[c] for c in ("K1", "K2", "K3", "K4", "K5")]
    assert sum(criteria) / 5 == federal.total - Decimal("1.30")
    assert result.total == Decimal("87.98")
    assert federal.total == Decimal("89.28")
    # "Как посчитано" of K1 names Р1 with its weight.
    k1 = explain(inputs, "K1", entering)
    assert k1.formula == "0,3 × П1.1 + 0,3 × П1.2 + 0,2 × П1.3 + 0,2 × Р1"
    assert k1.value == Decimal("84.50")
    assert explain(inputs, "Р1", entering).notes == (
        "Региональный показатель: входит в критерий K1 с весом 0,2.",
    )


def test_method_page_data_of_a_version_that_puts_it_into_a_criterion(
    monkeypatch,
) -> None:
    from evaluation import selectors
    from evaluation.rating import METHODS

    entering = _entering_k1()
    monkeypatch.setitem(METHODS, entering.code, entering)
    _method, criteria = selectors.method_overview(entering.code)
    k1 = criteria[0].indicators
    assert [(i.code, i.weight) for i in k1] == [
        ("1.1", Decimal("0.3")),
        ("1.2", Decimal("0.3")),
        ("1.3", Decimal("0.2")),
        ("Р1", Decimal("0.2")),
    ]
    assert k1[3].label == (
        "Доля получателей услуг, пользовавшихся официальным сайтом организации "
        "(региональный показатель)"
    )
    assert k1[3].formula == (
        "(число ответов «да» на вопрос 3 ÷ число ответивших на вопрос 3) × 100"
    )
    [explained] = selectors.method_regional(entering)
    assert explained.placement == (
        "Входит в критерий К1 с весом 0,2 по этой версии методики."
    )
    assert selectors.method_regional(REGIONAL)[0].placement == (
        "Показывается отдельно: в критерии и итоговый балл по единому "
        "федеральному порядку не входит."
    )


def test_entering_values_above_100_are_refused() -> None:
    weights = {k: dict(v) for k, v in FEDERAL.criterion_weights.items()}
    weights["K2"] = {**weights["K2"], "Р2": Decimal("0.1")}
    entering = dataclasses.replace(
        FEDERAL,
        code="test-over",
        criterion_weights=weights,
        regional=(
            RegionalIndicator(
                "Р2",
                "Число комфортных условий в баллах",
                CountSum((("comfort_conditions", Decimal(30)),)),
                unit="баллов",
                enters_criterion="K2",
            ),
        ),
    )
    with pytest.raises(Exception) as error:
        rate(_plain_inputs(EXAMPLE_A), entering)
    assert "Региональный показатель Р2 = 120: входящий в критерий показатель" in str(
        error.value
    )


def test_weighted_sum_with_a_cap() -> None:
    version = dataclasses.replace(
        FEDERAL,
        code="test-sum",
        regional=(
            RegionalIndicator(
                "Р3",
                "Доступность и дистанционные способы",
                CountSum(
                    (
                        ("remote_channels", Decimal("12.5")),
                        ("premises_access", Decimal(10)),
                    ),
                    cap=Decimal(100),
                ),
                unit="баллов",
            ),
        ),
    )
    inputs = _plain_inputs(EXAMPLE_A)  # 3 channels, 3 premises items
    assert regional_indicators(inputs, version) == {"Р3": Decimal("67.50")}
    explained = explain(inputs, "Р3", version)
    assert explained.formula == (
        "12,5 × число дистанционных способов взаимодействия + 10 × число "
        "элементов оборудования помещений для инвалидов, не более 100"
    )
    assert explained.substituted == "наименьшее из 100 и 12,5 × 3 + 10 × 3 = 67,50"


def test_declarations_are_checked() -> None:
    indicator = REGIONAL.regional[0]
    with pytest.raises(ValueError, match="укажите его вес"):
        dataclasses.replace(
            FEDERAL,
            code="bad-1",
            regional=(dataclasses.replace(indicator, enters_criterion="K1"),),
        )
    weights = {k: dict(v) for k, v in FEDERAL.criterion_weights.items()}
    weights["K1"]["Р1"] = Decimal("0.1")
    with pytest.raises(ValueError, match="не входит в критерий, но указан"):
        dataclasses.replace(
            FEDERAL, code="bad-2", criterion_weights=weights, regional=(indicator,)
        )
    with pytest.raises(ValueError, match="совпадает с кодом федерального"):
        dataclasses.replace(
            FEDERAL,
            code="bad-3",
            regional=(dataclasses.replace(indicator, code="1.1"),),
        )
    with pytest.raises(ValueError, match=r"неизвестный счётчик «yes\.q99»"):
        RegionalIndicator("Р9", "—", CountRatio("yes.q99", "respondents"))


def test_explanation_of_the_regional_indicator() -> None:
    explained = explain(_inputs(EXAMPLE_A), "Р1", REGIONAL)
    assert explained.substituted == "(120 ÷ 200) × 100 = 60,00"
    assert explained.inputs == {
        "число ответов «да» на вопрос 3": 120,
        "число ответивших на вопрос 3": 200,
    }
    assert explained.notes == (
        "Региональный показатель: показывается отдельно, в критерии и итоговый "
        "балл не входит.",
    )


# -------------------------------------------------------- stored and shown


def _campaign(slug: str, method: str, organisation: Organisation) -> Campaign:
    campaign = Campaign.objects.create(
        kind=CampaignKind.NOK,
        year=2024,
        title=f"НОК 2024 ({slug})",
        slug=slug,
        period_start=date(2024, 3, 1),
        period_end=date(2024, 10, 31),
        method_version=method,
        status=CampaignStatus.REVIEW,
    )
    campaign.organisations.add(organisation)
    data = copy.deepcopy(EXAMPLE_A)
    data.pop("method")
    services.save_indicator_inputs(campaign, organisation, data)
    return campaign


def _zarya() -> Organisation:
    """КЦСОН «Заря» of the Северный район."""
    district = District.objects.create(name="Северный район", slug="north")
    return Organisation.objects.create(
        name="КГБУ СО «КЦСОН „Заря“»",
        short_name="КЦСОН «Заря»",
        slug="zarya",
        code="Z-1",
        kind=OrganisationKind.COMPLEX_CENTRE,
        district=district,
    )


@pytest.mark.django_db
def test_stored_and_published_apart_and_the_api_lists_them(client) -> None:
    organisation = _zarya()
    federal = _campaign("nok-federal", "344n-social", organisation)
    regional = _campaign("nok-regional", REGIONAL_METHOD_CODE, organisation)
    for campaign in (federal, regional):
        services.recompute_campaign(campaign)
        services.publish_campaign(campaign)
    one = PublishedResult.objects.get(publication__campaign=federal)
    two = PublishedResult.objects.get(publication__campaign=regional)
    assert one.regional_indicators == {}
    assert two.regional_indicators == {"Р1": "60.00"}
    assert two.indicators == one.indicators
    assert (two.k1, two.k2, two.k3, two.k4, two.k5, two.total) == (
        one.k1,
        one.k2,
        one.k3,
        one.k4,
        one.k5,
        one.total,
    )
    assert two.total == Decimal("89.28")

    answer = client.get("/api/v1/results/", {"campaign": "nok-regional"}).json()
    row = answer["results"][0]
    assert "Р1" not in row["indicators"]
    assert row["regional_indicators"] == [
        {
            "code": "Р1",
            "name": "Доля получателей услуг, пользовавшихся официальным сайтом "
            "организации",
            "value": "60.00",
            "unit": "%",
            "enters_criterion": None,
            "kind": "региональный показатель",
        }
    ]
    assert row["total"] == "89.28"
    how = client.get(
        f"/api/v1/results/{row['id']}/how-computed/", {"figure": "Р1"}
    ).json()
    assert how["value"] == "60.00" and how["consistent"] is True
    federal_row = client.get("/api/v1/results/", {"campaign": "nok-federal"}).json()
    assert federal_row["results"][0]["regional_indicators"] == []


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_demo_card_results_and_method_pages_show_the_block(
    published_region, client
) -> None:
    region = published_region
    assert region.latest.method_version == REGIONAL_METHOD_CODE
    assert all(c.method_version == "344n-social" for c in region.campaigns[:-1])
    organisation = region.organisations[0]
    result = PublishedResult.objects.get(
        publication__campaign=region.latest, organisation=organisation
    )
    snapshot = result.inputs_snapshot
    answered = snapshot["answered"].get("q3", snapshot["respondents"])
    exact = Decimal(snapshot["yes"]["q3"] * 100) / Decimal(answered)
    expected = exact.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert result.regional_indicators == {"Р1": str(expected)}

    card = _soup(client.get(f"{region.directory.url}{organisation.slug}/"))
    block = card.select_one("section.regional-indicators")
    assert _text(block.h2) == "Региональный показатель"
    summary = _text(block.select_one("summary"))
    value = str(expected).replace(".", ",") + "\u00a0%"
    assert summary == (
        "Р1 Доля получателей услуг, пользовавшихся официальным сайтом организации "
        f"региональный показатель : {' '.join(value.split())}"
    )
    assert block.select_one(".badge").get_text() == "региональный показатель"
    assert "в критерии и итоговый балл по единому федеральному порядку не входит" in (
        _text(block)
    )
    # The 15 federal indicators are still 15, and Р1 is not among them.
    federal = card.select_one("section[aria-labelledby=org-indicators]")
    assert len(federal.select("li")) == 15
    assert "Р1" not in _text(federal)

    results = _soup(client.get(region.results_page.url))
    block = results.select_one("section.regional-indicators")
    cells = [_text(td) for td in block.select("tbody td")]
    assert cells[0] == str(len(region.organisations))
    assert _text(block.select_one("tbody th")).endswith("региональный показатель")

    page = MethodologyPage.objects.get()
    html = _soup(client.get(page.url))
    block = html.select_one("section.regional-indicators")
    assert _text(block) == (
        "Региональные показатели Эта версия методики дополняет 15 федеральных "
        "показателей региональным показателем, установленным в регионе "
        "(Красноярский край). Он считается из тех же исходных данных, округляется "
        "по тем же правилам и показывается отдельно, с пометкой «региональный "
        "показатель». Р1 Доля получателей услуг, пользовавшихся официальным "
        "сайтом организации региональный показатель Как считается: (число ответов "
        "«да» на вопрос 3 ÷ число ответивших на вопрос 3) × 100. Учёт в итоговом "
        "балле: Показывается отдельно: в критерии и итоговый балл по единому "
        "федеральному порядку не входит. Основание: Решение общественного совета "
        "при министерстве об актуализации дополнительных показателей (2024)."
    )
    assert page.method["regional"][0]["code"] == "Р1"
    # Still the 15 federal rows in the criteria tables.
    assert len(html.select("tbody tr")) == 15


def test_data_prepared_for_the_federal_version_are_the_regional_versions_data() -> None:
    # The regional version reads the same counts, so an operator's federal file
    # serves it; the converse names both versions.
    assert rate(_federal_inputs(EXAMPLE_A), REGIONAL).total == Decimal("89.28")
    with pytest.raises(RatingInputError) as error:
        rate(_inputs(EXAMPLE_A), FEDERAL)
    assert str(error.value.errors[0].message) == (
        f"Данные подготовлены по методике «{REGIONAL_METHOD_CODE}», "
        "а расчёт запрошен по методике «344n-social»."
    )


@pytest.mark.django_db
def test_a_regional_campaign_takes_data_prepared_for_the_federal_version() -> None:
    organisation = _zarya()
    regional = _campaign("nok-regional", REGIONAL_METHOD_CODE, organisation)
    federal = _campaign("nok-federal", "344n-social", organisation)
    services.save_indicator_inputs(regional, organisation, EXAMPLE_A)
    with pytest.raises(RatingInputError) as error:
        services.save_indicator_inputs(
            federal, organisation, {**EXAMPLE_A, "method": REGIONAL_METHOD_CODE}
        )
    assert error.value.errors[0].message == (
        f"Данные подготовлены по методике «{REGIONAL_METHOD_CODE}», а кампания "
        "рассчитывается по «344n-social»."
    )
