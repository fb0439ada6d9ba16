"""A national-scale demo (issue #27, item 6): ``load_demo_data --scale national``.

20,000 organisations in 134 districts of 13 regions (the demo region's 14
districts among them, so its addresses such as ``/organizacii/kcson-achinsk/``
stay), two НОК years with inputs and published results (``nok-2023``,
``nok-2024``, the latter by the regional method version, as in the regional
demo) and a Декада (``decade-2024``) with 1,000,000 questionnaires, built in
minutes.

The same models and values as :func:`portal_site.demo.build` (its generators
of indicator inputs and questionnaires are reused), but written through the
bulk paths of :mod:`evaluation.bulk`: ``COPY … FROM STDIN`` on PostgreSQL
(``bulk_create`` elsewhere) for organisations and inputs, ready ``COPY`` text
lines for the questionnaires (PostgreSQL; ``bulk_create`` in batches
elsewhere), and grouped ``UPDATE``\\s instead of ``bulk_update``. Results,
aggregates, search documents and pages come from the evaluation services,
through the same life cycle an editor runs: recompute, the council's
approval, publish.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from evaluation.bulk import bulk_insert, copy_lines, copy_text
from evaluation.enums import (
    CampaignKind,
    DataSource,
    OrganisationKind,
    SubmissionStatus,
    SurveyChannel,
)
from evaluation.models import (
    Campaign,
    District,
    IndicatorInput,
    OnlineQuestionnaire,
    Organisation,
    Submission,
    SurveyResponse,
)
from evaluation.nok import lifecycle
from evaluation.obligations import owed as obligations
from evaluation.slugs import latin_slug
from portal_site import demo, demo_instructions, demo_regional_indicators

from . import demo_letters, demo_pages, demo_plan

#: Regions besides the demo's own (Красноярский край, ``demo.DISTRICTS``):
#: name, level (``krai`` or ``oblast``), slug prefix and the adjectives of
#: ten of its municipal districts (all ending in «-ский»/«-цкий», whose
#: dative is regular: «Ангарский район» → «по Ангарскому району»).
REGIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Иркутская область", "oblast", "irk", ("Ангарский", "Братский", "Нижнеудинский", "Тайшетский", "Усольский", "Черемховский", "Киренский", "Боханский", "Заларинский", "Куйтунский")),
    ("Новосибирская область", "oblast", "nsk", ("Искитимский", "Коченёвский", "Купинский", "Карасукский", "Татарский", "Барабинский", "Болотнинский", "Маслянинский", "Ордынский", "Тогучинский")),
    ("Омская область", "oblast", "omsk", ("Исилькульский", "Тарский", "Калачинский", "Любинский", "Тюкалинский", "Называевский", "Марьяновский", "Черлакский", "Тевризский", "Крутинский")),
    ("Томская область", "oblast", "tomsk", ("Асиновский", "Колпашевский", "Каргасокский", "Кожевниковский", "Шегарский", "Первомайский", "Молчановский", "Парабельский", "Зырянский", "Бакчарский")),
    ("Кемеровская область", "oblast", "kem", ("Беловский", "Гурьевский", "Кемеровский", "Крапивинский", "Ленинск-Кузнецкий", "Мариинский", "Промышленновский", "Тисульский", "Топкинский", "Яйский")),
    ("Алтайский край", "krai", "alt", ("Алейский", "Бийский", "Змеиногорский", "Каменский", "Ключевский", "Кулундинский", "Павловский", "Рубцовский", "Тальменский", "Шипуновский")),
    ("Тюменская область", "oblast", "tmn", ("Ишимский", "Тобольский", "Ялуторовский", "Заводоуковский", "Голышмановский", "Армизонский", "Абатский", "Викуловский", "Сладковский", "Упоровский")),
    ("Курганская область", "oblast", "kurgan", ("Шадринский", "Катайский", "Далматовский", "Куртамышский", "Мишкинский", "Шумихинский", "Щучанский", "Юргамышский", "Кетовский", "Половинский")),
    ("Забайкальский край", "krai", "zab", ("Читинский", "Агинский", "Балейский", "Борзинский", "Карымский", "Краснокаменский", "Нерчинский", "Петровск-Забайкальский", "Шилкинский", "Оловяннинский")),
    ("Хабаровский край", "krai", "khab", ("Амурский", "Бикинский", "Ванинский", "Верхнебуреинский", "Вяземский", "Нанайский", "Охотский", "Ульчский", "Хабаровский", "Советско-Гаванский")),
    ("Приморский край", "krai", "prim", ("Анучинский", "Дальнереченский", "Кировский", "Лазовский", "Надеждинский", "Октябрьский", "Спасский", "Ханкайский", "Хасанский", "Чугуевский")),
    ("Амурская область", "oblast", "amur", ("Белогорский", "Бурейский", "Зейский", "Ивановский", "Константиновский", "Мазановский", "Михайловский", "Тамбовский", "Тындинский", "Серышевский")),
)  # fmt: skip

#: The demo's own region, whose districts keep the demo's names and slugs.
HOME_REGION = "Красноярский край"

#: Words of the organisations' names by the level of the region.
LEVELS = {
    "krai": ("Краевое", "краевого", "КГКУ"),
    "oblast": ("Областное", "областного", "ОГКУ"),
}

NOK_YEARS = (2023, 2024)


@dataclass(frozen=True)
class NationalScale:
    """How big a national demo to build."""

    organisations: int = 20_000
    responses: int = 1_000_000
    seed: int = 2024


@dataclass(frozen=True)
class Place:
    """A district with what the organisations' names need of it."""

    district: District
    region: str
    level: str
    town: str  # «Ачинский»
    dative: str  # «Ачинскому району»
    label: str  # «Ачинский район», as in an address after the region


def _dative(adjective: str) -> str:
    """«Ангарский» → «Ангарскому району» (the -ский/-цкий adjectives of REGIONS)."""
    if not adjective.endswith("ий"):
        raise ValueError(f"not a -ский/-цкий adjective: {adjective}")
    return f"{adjective[:-2]}ому району"


def _places() -> list[Place]:
    """The districts (created when missing), the demo region's first."""
    home = demo._districts()
    places = [Place(d, HOME_REGION, "krai", *demo.TOWNS[d.slug], d.name) for d in home]
    wanted = [
        (f"{adjective} район, {region}", f"{prefix}-{latin_slug(adjective)}", region, level, adjective)
        for region, level, prefix, adjectives in REGIONS
        for adjective in adjectives
    ]  # fmt: skip
    existing = {
        d.slug: d for d in District.objects.filter(slug__in=[w[1] for w in wanted])
    }
    District.objects.bulk_create(
        [District(name=name, slug=slug) for name, slug, *_ in wanted if slug not in existing]
    )  # fmt: skip
    existing = {
        d.slug: d for d in District.objects.filter(slug__in=[w[1] for w in wanted])
    }
    places += [
        Place(
            existing[slug],
            region,
            level,
            adjective,
            _dative(adjective),
            f"{adjective} район",
        )
        for _, slug, region, level, adjective in wanted
    ]
    return places


def _pattern(kind_pattern: tuple, place: Place) -> tuple[str, str, str, str]:
    """A demo name pattern (``demo.KIND_PATTERNS``) with the region's level words."""
    kind, long_pattern, short_pattern, abbr = kind_pattern
    if place.level != "krai":
        adjective, genitive, office = LEVELS[place.level]
        long_pattern = (
            long_pattern.replace("Краевое", adjective)
            .replace("краевого", genitive)
            .replace("КГКУ", office)
        )
        short_pattern = short_pattern.replace("КГКУ", office)
    return kind, long_pattern, short_pattern, abbr


def _organisations(
    rng: random.Random, places: list[Place], count: int
) -> list[Organisation]:
    """``count`` organisations spread over the districts as ``demo._organisations``."""
    rows = []
    for index in range(count):
        place = places[index % len(places)]
        kind, long_pattern, short_pattern, abbr = _pattern(
            demo.KIND_PATTERNS[(index // len(places)) % len(demo.KIND_PATTERNS)], place
        )
        serial = index // (len(places) * len(demo.KIND_PATTERNS))
        suffix = f" № {serial + 1}" if serial else ""
        is_uszn = kind == OrganisationKind.USZN_OFFICE
        words = {"place": place.town, "place_dative": place.dative}
        slug = f"{abbr}-{place.district.slug}" + (f"-{serial + 1}" if serial else "")
        rows.append(
            Organisation(
                name=long_pattern.format(**words) + suffix,
                short_name=short_pattern.format(**words) + suffix,
                slug=slug,
                code=f"DEMO-{index + 1:05d}",
                inn=f"24{index + 1:08d}",
                kind=kind,
                district=place.district,
                address=f"{place.region}, {place.label}, ул. Ленина, "
                f"д. {rng.randint(1, 120)}",
                website=f"https://{slug}.example.ru",
                has_online_questionnaire=rng.random() < 0.6,
                recipients_count=None if is_uszn else rng.randint(60, 900),
                registered_count=rng.randint(4000, 40000) if is_uszn else None,
                counts_as_of=date(2024, 1, 1),
            )
        )
    bulk_insert(rows)
    return list(Organisation.objects.filter(code__startswith="DEMO-").order_by("code"))


def _members(campaign: Campaign, organisations: list[Organisation]) -> None:
    through = Campaign.organisations.through
    bulk_insert(
        [through(campaign_id=campaign.pk, organisation_id=o.pk) for o in organisations]
    )


def _nok_campaigns(
    rng: random.Random, organisations: list[Organisation]
) -> list[Campaign]:
    base_quality = {org.pk: rng.uniform(0.2, 0.8) for org in organisations}
    campaigns = []
    for offset, year in enumerate(NOK_YEARS):
        campaign = Campaign.objects.create(
            kind=CampaignKind.NOK,
            year=year,
            title=f"Независимая оценка качества {year} года",
            slug=f"nok-{year}",
            period_start=date(year, 3, 1),
            period_end=date(year, 10, 31),
        )
        _members(campaign, organisations)
        lifecycle.open_campaign(campaign, actor=None)
        bulk_insert(
            [
                IndicatorInput(
                    campaign=campaign,
                    organisation=org,
                    source=DataSource.DEMO,
                    source_reference=f"Демонстрационный отчёт оператора за {year} год",
                    **demo._inputs(rng, min(1.0, base_quality[org.pk] + 0.07 * offset)),
                )
                for org in organisations
            ]
        )
        campaigns.append(campaign)
    return campaigns


def response_counts(
    rng: random.Random, organisations: list[Organisation], total: int
) -> list[int]:
    """Questionnaires per organisation, ``total`` in all, shaped as the demo's sample.

    Each organisation's share follows what :func:`demo._decade` collects
    without a total (20–50 % of an institution's recipients, 0.3–0.9 % of an
    office's registered citizens); the rounding remainder goes one each to
    the first organisations.
    """
    weights = [
        (org.registered_count or 0) * rng.uniform(0.003, 0.009)
        if org.kind == OrganisationKind.USZN_OFFICE
        else (org.recipients_count or 0) * rng.uniform(0.2, 0.5)
        for org in organisations
    ]
    whole = sum(weights) or 1.0
    counts = [int(total * w / whole) for w in weights]
    for index in range(total - sum(counts)):
        counts[index % len(counts)] += 1
    return counts


def _response_pool(
    rng: random.Random, decade: Campaign, organisation: Organisation, size: int
) -> list[SurveyResponse]:
    """``size`` questionnaires drawn by the demo's own generator (``demo._response``)."""
    channels = list(SurveyChannel.values)
    return [demo._response(rng, decade, organisation, channels) for _ in range(size)]


def _copy_tail(row: SurveyResponse, created: str) -> str:
    """The columns after ``organisation_id`` of :data:`SURVEY_COLUMNS`, as ``COPY`` text."""
    return "\t".join(
        (
            "",  # number
            copy_text(json.dumps(row.answers, ensure_ascii=False)),
            copy_text(row.suggestion),
            row.channel,
            row.kind,
            "t" if row.external_territorial else "f",
            row.sex,
            row.age_group,
            row.collected_on.isoformat(),
            row.source,
            "f",  # excluded
            "",  # exclusion_reason
            created,
        )
    )


SURVEY_COLUMNS = (
    "campaign_id",
    "organisation_id",
    "number",
    "answers",
    "suggestion",
    "channel",
    "kind",
    "external_territorial",
    "sex",
    "age_group",
    "collected_on",
    "source",
    "excluded",
    "exclusion_reason",
    "created_at",
)


def _responses(
    rng: random.Random,
    decade: Campaign,
    organisations: list[Organisation],
    total: int,
    pool_size: int = 8192,
) -> int:
    """``total`` questionnaires of the Декада, through ``COPY`` on PostgreSQL."""
    counts = response_counts(rng, organisations, total)
    pool = _response_pool(rng, decade, organisations[0], pool_size)
    if connection.vendor != "postgresql":
        batch: list[SurveyResponse] = []
        for org, count in zip(organisations, counts, strict=True):
            for _ in range(count):
                model = pool[rng.randrange(pool_size)]
                batch.append(
                    SurveyResponse(
                        campaign=decade,
                        organisation=org,
                        **{
                            name: getattr(model, name)
                            for name in SURVEY_COLUMNS[2:-1]
                            if name not in {"excluded", "exclusion_reason"}
                        },
                    )
                )
                if len(batch) >= 5000:
                    SurveyResponse.objects.bulk_create(batch)
                    batch.clear()
        SurveyResponse.objects.bulk_create(batch)
        return sum(counts)
    created = timezone.now().isoformat()
    tails = [_copy_tail(row, created) + "\n" for row in pool]
    choose = rng.randrange

    def lines():
        for org, count in zip(organisations, counts, strict=True):
            head = f"{decade.pk}\t{org.pk}\t"
            for _ in range(count):
                yield head + tails[choose(pool_size)]

    return copy_lines(SurveyResponse, SURVEY_COLUMNS, lines(), batch_size=5000)


def _decade(
    rng: random.Random, organisations: list[Organisation], total: int
) -> Campaign:
    decade = Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=2024,
        title="Декада качества 2024",
        slug="decade-2024",
        period_start=demo.DECADE_START,
        period_end=demo.DECADE_END,
    )
    _members(decade, organisations)
    lifecycle.open_campaign(decade, actor=None)
    OnlineQuestionnaire.objects.create(
        campaign=decade,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=90),
    )
    _responses(rng, decade, organisations, total)
    return decade


def _receive_submissions(rng: random.Random, decade: Campaign) -> None:
    """As ``demo._receive_submissions``, in one ``UPDATE`` per distinct new value."""
    groups: dict[tuple[date, str], list[int]] = defaultdict(list)
    for pk, deadline in decade.submissions.order_by("pk").values_list("pk", "deadline"):
        luck = rng.random()
        if luck < 0.8:
            received = deadline - timedelta(days=rng.randint(0, 6))
            groups[received, SubmissionStatus.ACCEPTED].append(pk)
        elif luck < 0.93:
            received = deadline + timedelta(days=rng.randint(1, 9))
            groups[received, SubmissionStatus.RECEIVED].append(pk)
    for (received, status), pks in groups.items():
        Submission.objects.filter(pk__in=pks).update(
            received_on=received, status=status
        )


def _publish(campaign: Campaign, member, number: int) -> None:
    """The demo's life cycle: recompute, the council approves, publish."""
    lifecycle.recompute(campaign, actor=None)
    lifecycle.send_to_council(campaign, actor=None)
    if campaign.kind == CampaignKind.DECADE:
        decision = {
            "decided_on": campaign.period_end + timedelta(days=40),
            "title": f"Об итогах Декады качества {campaign.year} года",
            "text": "Общественный совет рассмотрел итоги опроса получателей услуг "
            "и рекомендовал учреждениям учесть замечания граждан в планах "
            "мероприятий.",
        }
    else:
        decision = {
            "decided_on": date(campaign.year, 11, 20),
            "title": "Об утверждении результатов независимой оценки качества "
            f"за {campaign.year} год",
            "text": "Общественный совет решил: утвердить результаты независимой "
            "оценки качества и рекомендовать организациям разработать планы "
            "мероприятий по устранению выявленных недостатков.",
        }
    demo._council_approves(
        campaign, member, number=f"{number}/{campaign.year}", **decision
    )
    lifecycle.publish(campaign, actor=None, note="Первая публикация")


def build(scale: NationalScale = NationalScale(), log=print) -> None:
    """Create the national demo and compute and publish its results."""
    started = time.perf_counter()

    def step(text: str) -> None:
        log(f"{text} ({time.perf_counter() - started:.0f} с)")

    rng = random.Random(scale.seed)  # noqa: S311 - demo data, not secrets
    with transaction.atomic():
        places = _places()
        organisations = _organisations(rng, places, scale.organisations)
        step(f"организаций: {len(organisations)}, районов: {len(places)}")
        campaigns = _nok_campaigns(rng, organisations)
        demo_regional_indicators.use_regional_method(campaigns[-1])
        step("исходные данные НОК загружены")
        decade = _decade(rng, organisations, scale.responses)
        step(f"{decade.title}: анкет {scale.responses}")
        demo_plan.build_plan(random.Random(scale.seed + 1), organisations)  # noqa: S311
        step("план и проверки сайтов")
    demo_pages.build_site(log=log)
    member = demo._council_member()
    for number, campaign in enumerate(campaigns, 1):
        _publish(campaign, member, number)
        step(f"{campaign.title}: рассчитано и опубликовано")
    demo._plans(rng, campaigns[-1])
    demo_instructions.build_instructions(campaigns[-1], organisations)
    demo_letters.build_letters(campaigns[-1], organisations)
    obligations.open_obligations(decade, actor=None)
    _receive_submissions(rng, decade)
    _publish(decade, member, len(campaigns) + 1)
    step(f"{decade.title}: рассчитано и опубликовано")
