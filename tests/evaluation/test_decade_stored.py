"""Декада figures from stored aggregates: an institution's summary form, and
what the retention purge keeps, give the public the same figures."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from evaluation import selectors
from evaluation.decade import summary as decade
from evaluation.enums import DataSource, OrganisationKind, SurveyChannel
from evaluation.models import (
    DecadeSummary,
    SurveyResponse,
)
from evaluation.questionnaire.services import purge_expired_responses
from tests.factories.evaluation import (
    DecadeCampaignFactory,
    DistrictFactory,
    OrganisationFactory,
)

SKIPS = {"q2": "q1", "q4": "q3", "q8": "q7", "q12": "q11"}


def _answers(rng: random.Random) -> dict[str, bool | None]:
    answers: dict[str, bool | None] = {}
    for n in range(1, 16):
        code = f"q{n}"
        parent = SKIPS.get(code)
        if parent and answers.get(parent) is not True:
            continue
        roll = rng.random()
        # Some blanks, so "answered" differs from the number of questionnaires.
        answers[code] = None if roll < 0.1 else roll < 0.75
    return answers


def _rows(count: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    return [
        {
            "answers": _answers(rng),
            "channel": rng.choice([SurveyChannel.OFFICE, SurveyChannel.ONLINE_FORM]),
            "kind": "questionnaire",
            "external_territorial": n % 17 == 0,
            "excluded": False,
            "suggestion": "",
        }
        for n in range(count)
    ]


def _aggregate_of(summary: decade.DecadeSummary) -> dict:
    shares = (*summary.filters, *summary.satisfaction)
    return {
        "questionnaires": summary.counted,
        "external_territorial": summary.external_territorial,
        "by_channel": {str(k): v for k, v in summary.by_channel.items() if v},
        "by_kind": {str(k): v for k, v in summary.by_kind.items() if v},
        "yes": {
            s.code: s.yes if isinstance(s, decade.FilterShare) else s.satisfied
            for s in shares
        },
        "answered": {s.code: s.answered for s in shares},
    }


def test_aggregate_with_answer_counts_gives_the_questionnaires_figures() -> None:
    live = decade.summarise(_rows(120), OrganisationKind.COMPLEX_CENTRE, 300)
    stored = decade.from_aggregate(
        **_aggregate_of(live),
        organisation_kind=OrganisationKind.COMPLEX_CENTRE,
        base=300,
        note="сохранено",
    )
    assert stored.counted == live.counted
    assert stored.external_territorial == live.external_territorial
    assert stored.by_channel == live.by_channel
    assert stored.by_kind == live.by_kind
    assert [
        (s.code, s.answered, s.satisfied, s.share) for s in stored.satisfaction
    ] == [(s.code, s.answered, s.satisfied, s.share) for s in live.satisfaction]
    assert stored.filters == live.filters
    assert stored.sample == live.sample
    assert stored.suggestions == ()
    assert stored.notes[0] == "сохранено"


def test_summary_form_without_answer_counts_uses_the_method_bases() -> None:
    summary = decade.from_aggregate(
        questionnaires=40,
        external_territorial=0,
        by_channel={"office": 40, "nonsense": 3},
        by_kind={},
        yes={"q1": 20, "q2": 15, "q3": 0, "q13": 30, "q99": 5},
        answered={},
        organisation_kind=OrganisationKind.COMPLEX_CENTRE,
        base=None,
        note="",
    )
    # A dependent question's base is the "yes" answers to its filter question.
    q2 = summary.question("q2")
    assert (q2.answered, q2.satisfied, str(q2.share)) == (20, 15, "75.00")
    # Everyone was asked q13: the base is every counted questionnaire.
    q13 = summary.question("q13")
    assert (q13.answered, q13.satisfied, str(q13.share)) == (40, 30, "75.00")
    # Nobody used the stands (q3 "yes" 0): q4 has no share, and says why.
    q4 = summary.question("q4")
    assert q4.share is None
    assert "вопрос 3" in q4.note
    assert summary.by_channel[SurveyChannel.OFFICE] == 40
    assert sum(summary.by_channel.values()) == 40
    assert summary.sample.adequate is None


def test_aggregate_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="анкет"):
        decade.from_aggregate(
            questionnaires=-1,
            external_territorial=0,
            by_channel={},
            by_kind={},
            yes={},
            answered={},
            organisation_kind=OrganisationKind.COMPLEX_CENTRE,
            base=None,
            note="",
        )


# ------------------------------------------------------------------ database


@pytest.fixture
def region(db):
    district = DistrictFactory()
    organisations = OrganisationFactory.create_batch(
        3, district=district, recipients_count=200
    )
    campaign = DecadeCampaignFactory(organisations=organisations)
    return campaign, organisations


def _store_rows(campaign, organisation, rows) -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            campaign=campaign,
            organisation=organisation,
            collected_on=date(2024, 4, 10),
            **row,
        )
        for row in rows
    )


def _figures(summary: decade.DecadeSummary) -> tuple:
    return (
        summary.counted,
        summary.external_territorial,
        dict(summary.by_channel),
        [(s.code, s.answered, s.satisfied, s.share) for s in summary.satisfaction],
        summary.filters,
        summary.sample.share,
    )


def test_public_figures_survive_the_retention_purge(region) -> None:
    campaign, organisations = region
    for n, organisation in enumerate(organisations[:2]):
        _store_rows(campaign, organisation, _rows(60 + 20 * n, seed=n))
    before = selectors.decade_overview(campaign)
    single_before = selectors.decade_summary(campaign, organisations[0])

    plan = purge_expired_responses(campaign.period_end + timedelta(days=400))

    assert plan.total > 0
    assert not SurveyResponse.objects.filter(campaign=campaign).exists()
    after = selectors.decade_overview(campaign)
    for organisation in organisations[:2]:
        assert _figures(after.summaries[organisation.pk]) == _figures(
            before.summaries[organisation.pk]
        )
        assert "срока хранения" in after.summaries[organisation.pk].notes[0]
    assert after.counted == before.counted
    assert after.by_channel == before.by_channel
    # The organisation that had no questionnaires still has none.
    assert after.summaries[organisations[2].pk].counted == 0
    assert _figures(selectors.decade_summary(campaign, organisations[0])) == _figures(
        single_before
    )


def test_institution_summary_form_shows_when_no_questionnaires_were_sent(
    region,
) -> None:
    campaign, (with_rows, summary_only, _nothing) = region
    _store_rows(campaign, with_rows, _rows(30))
    DecadeSummary.objects.create(
        campaign=campaign,
        organisation=summary_only,
        base=100,
        questionnaires=40,
        by_channel={"office": 40},
        yes={"q1": 20, "q2": 15, "q13": 30},
        source=DataSource.IMPORT,
    )
    # A stored summary of an organisation that sent questionnaires is not
    # used on the public page: its questionnaires are.
    DecadeSummary.objects.create(
        campaign=campaign,
        organisation=with_rows,
        questionnaires=999,
        source=DataSource.IMPORT,
    )

    overview = selectors.decade_overview(campaign)

    shown = overview.summaries[summary_only.pk]
    assert shown.counted == 40
    assert str(shown.question("q2").share) == "75.00"
    assert str(shown.sample.share) == "40.00"
    assert "сводной информации" in shown.notes[0]
    assert overview.summaries[with_rows.pk].counted == 30 - 2  # two external
    assert overview.counted == 40 + 28
    assert selectors.decade_summary(campaign, summary_only).counted == 40
