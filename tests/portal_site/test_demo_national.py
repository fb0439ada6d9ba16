"""The national demo scale (issue #27, item 6), built small: same shape, bulk paths.

On SQLite the bulk paths are ``bulk_create``; the PostgreSQL pass of the
suite runs the same test through ``COPY``.
"""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command

from evaluation.enums import CampaignKind, CampaignStatus, OrganisationKind
from evaluation.models import (
    Campaign,
    District,
    IndicatorInput,
    Organisation,
    PublishedResult,
    SurveyResponse,
)
from evaluation.rating import REGIONAL_METHOD_CODE
from portal_site import demo, demo_national


@pytest.mark.django_db
def test_national_demo_is_built_through_the_life_cycle(capsys, client) -> None:
    call_command(
        "load_demo_data",
        "--scale",
        "national",
        "--organisations",
        "150",
        "--responses",
        "3000",
    )
    assert "Демонстрационные данные загружены." in capsys.readouterr().out
    assert Organisation.objects.count() == 150
    assert District.objects.count() == 14 + 12 * 10
    campaigns = dict(Campaign.objects.values_list("slug", "status"))
    assert campaigns == {
        "nok-2023": CampaignStatus.PUBLISHED,
        "nok-2024": CampaignStatus.PUBLISHED,
        "decade-2024": CampaignStatus.PUBLISHED,
    }
    for slug in ("nok-2023", "nok-2024"):
        assert IndicatorInput.objects.filter(campaign__slug=slug).count() == 150
        assert (
            PublishedResult.objects.filter(publication__campaign__slug=slug).count()
            == 150
        )
    assert Campaign.objects.get(slug="nok-2024").method_version == (
        REGIONAL_METHOD_CODE
    )
    decade = Campaign.objects.get(kind=CampaignKind.DECADE)
    assert SurveyResponse.objects.filter(campaign=decade).count() == 3000
    answered = SurveyResponse.objects.filter(campaign=decade).first()
    assert set(answered.answers) == {f"q{n}" for n in range(1, 16)}

    # The demo region's districts and addresses stay; other regions follow.
    achinsk = Organisation.objects.get(slug="kcson-achinsk")
    assert achinsk.short_name == "КЦСОН «Ачинский»"
    angarsk = Organisation.objects.get(code="DEMO-00015")
    assert angarsk.slug == "kcson-irk-angarskiy"
    assert angarsk.district.name == "Ангарский район, Иркутская область"
    assert angarsk.name == (
        "Областное государственное бюджетное учреждение социального обслуживания "
        "«Комплексный центр социального обслуживания населения «Ангарский»"
    )
    assert angarsk.address.startswith("Иркутская область, Ангарский район, ул. ")
    for url in (
        "/ocenka/nok-2024/",
        "/organizacii/kcson-achinsk/nok-2024/",
        "/organizacii/kcson-irk-angarskiy/nok-2024/",
    ):
        assert client.get(url).status_code == 200, url

    call_command("load_demo_data", "--scale", "national")
    assert "уже загружены" in capsys.readouterr().out
    assert Organisation.objects.count() == 150


def test_offices_of_an_oblast_are_named_by_its_level_and_the_district_dative() -> None:
    place = demo_national.Place(
        District(name="Ангарский район, Иркутская область", slug="irk-angarskiy"),
        "Иркутская область",
        "oblast",
        "Ангарский",
        demo_national._dative("Ангарский"),
        "Ангарский район",
    )
    uszn = next(p for p in demo.KIND_PATTERNS if p[0] == OrganisationKind.USZN_OFFICE)
    _, long_name, short_name, _ = demo_national._pattern(uszn, place)
    words = {"place": place.town, "place_dative": place.dative}
    assert long_name.format(**words) == (
        "Территориальное отделение областного государственного казённого "
        "учреждения «Управление социальной защиты населения» по Ангарскому району"
    )
    assert short_name.format(**words) == "ТО ОГКУ «УСЗН» по Ангарскому району"
    assert demo_national._dative("Ленинск-Кузнецкий") == "Ленинск-Кузнецкому району"
    with pytest.raises(ValueError, match="Октябрьская"):
        demo_national._dative("Октябрьская")


def test_response_counts_add_up_to_the_total_and_follow_the_sample_base() -> None:
    organisations = [
        Organisation(kind=OrganisationKind.COMPLEX_CENTRE, recipients_count=900),
        Organisation(kind=OrganisationKind.USZN_OFFICE, registered_count=40_000),
        Organisation(kind=OrganisationKind.RESIDENTIAL_HOME, recipients_count=60),
    ]
    counts = demo_national.response_counts(random.Random(1), organisations, 1001)  # noqa: S311
    assert sum(counts) == 1001
    # 20–50 % of 900 recipients outweighs 20–50 % of 60.
    assert counts[0] > counts[2] > 0
