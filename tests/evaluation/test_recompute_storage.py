"""What ``recompute_campaign`` stores, field by field, on SQLite and PostgreSQL.

The recompute reads plain values and writes ``COPY`` text lines on
PostgreSQL (issue 27: 20,000 organisations under 5 s), so every column is
checked against the pure method's own result, including text that ``COPY``
must escape (tab, newline, backslash) and a total that is "нет данных".
"""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from evaluation.enums import (
    CampaignStatus,
    DataSource,
    OrganisationKind,
)
from evaluation.models import District, Organisation, Result
from evaluation.nok import services
from evaluation.rating import get_method, parse_inputs, rate
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.factories.helpers import nok_campaign

pytestmark = pytest.mark.django_db

AWKWARD_REFERENCE = 'nok\t2024\\свод\n«итог» "v2".xlsx'

NOBODY_ANSWERED = {
    "method": "344n-social",
    "respondents": 0,
    "info_stand": {"present": 18, "required": 20},
    "info_site": {"present": 27, "required": 30},
    "remote_channels": 3,
    "comfort_conditions": 4,
    "premises_access": 3,
    "service_access": 4,
    "yes": {f"q{number}": 0 for number in range(1, 16)},
}


def _organisation(code: str, district: District) -> Organisation:
    return Organisation.objects.create(
        name=f"Организация {code}",
        short_name=f"Орг {code}",
        slug=f"org-{code.lower()}",
        code=code,
        kind=OrganisationKind.COMPLEX_CENTRE,
        district=district,
    )


@pytest.fixture
def recomputed():
    district = District.objects.create(slug="north", name="Северный район")
    campaign = nok_campaign(2024, status=CampaignStatus.REVIEW)
    a, b, c, d = (_organisation(code, district) for code in "ABCD")
    campaign.organisations.set([a, b, c, d])
    data = {
        a: (EXAMPLE_A, DataSource.IMPORT, AWKWARD_REFERENCE),
        b: (EXAMPLE_B, DataSource.MANUAL, ""),
        c: (NOBODY_ANSWERED, DataSource.MANUAL, ""),
        d: (copy.deepcopy(EXAMPLE_A), DataSource.MANUAL, "тот же итог, что у А"),
    }
    for organisation, (inputs, source, reference) in data.items():
        services.save_indicator_inputs(
            campaign, organisation, inputs, source=source, reference=reference
        )
    summary = services.recompute_campaign(campaign)
    campaign.refresh_from_db()
    return campaign, data, summary


def test_every_stored_column_is_the_pure_methods_result(recomputed) -> None:
    campaign, data, summary = recomputed
    method = get_method("344n-social")
    assert (summary.organisations, summary.with_total) == (4, 3)
    ranks = {"A": 1, "B": 2, "C": None, "D": 1}  # 89.28, 88.01, —, 89.28
    for organisation, (inputs, source, reference) in data.items():
        stored = Result.objects.get(campaign=campaign, organisation=organisation)
        expected = rate(parse_inputs(inputs), method)
        assert stored.method_version == "344n-social"
        assert stored.indicators == {
            code: None if value is None else str(value)
            for code, value in expected.indicators.items()
        }
        assert stored.regional_indicators == {}
        assert [stored.k1, stored.k2, stored.k3, stored.k4, stored.k5] == [
            expected.criteria[f"K{i}"] for i in range(1, 6)
        ]
        assert stored.total == expected.total
        assert stored.notes == list(expected.notes)
        assert stored.rank == ranks[organisation.code]
        delay = stored.computed_at - campaign.recomputed_at
        assert timedelta(0) <= delay < timedelta(minutes=1)
        snapshot = {
            **parse_inputs(inputs).to_calculator_input(),
            "method": "344n-social",
            "source": source,
            "source_reference": reference,
        }
        assert stored.inputs_snapshot == snapshot


def test_escaped_text_and_undefined_figures_round_trip(recomputed) -> None:
    campaign, _data, _summary = recomputed
    a = Result.objects.get(campaign=campaign, organisation__code="A")
    assert a.inputs_snapshot["source_reference"] == AWKWARD_REFERENCE
    c = Result.objects.get(campaign=campaign, organisation__code="C")
    assert (c.total, c.rank, c.k5) == (None, None, None)
    assert str(c.k1) == "90.00"  # 1.1 and 1.2 only: (0.3·90 + 0.3·90) / 0.6
    assert c.indicators["5.1"] is None
    assert (str(c.k2), str(c.k3), c.k4) == ("80.00", "71.43", None)
    assert c.notes[-1] == "Итоговый балл не рассчитан: нет данных по критериям K4 и K5."
    b = Result.objects.get(campaign=campaign, organisation__code="B")
    assert b.indicators["3.3"] is None
    assert str(b.total) == "88.01"
