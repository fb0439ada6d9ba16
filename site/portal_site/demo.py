"""A deterministic, plausible demo region for ``make run`` and benchmarks.

Everything here is invented and labelled as demo data on every public page.
The generator only creates inputs (organisations, campaigns, indicator inputs,
questionnaires, plans, submissions, decisions, targets); figures are computed
by the evaluation services like real data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from evaluation.enums import (
    CampaignKind,
    Criterion,
    DataSource,
    MeasureStatus,
    OrganisationKind,
    PlanStatus,
    SubmissionStatus,
    SurveyChannel,
    SurveyKind,
)
from evaluation.models import (
    Campaign,
    CouncilDecision,
    District,
    ImprovementPlan,
    IndicatorInput,
    Measure,
    MeasureReport,
    OnlineQuestionnaire,
    Organisation,
    Submission,
    SurveyResponse,
)
from evaluation.nok import lifecycle
from evaluation.obligations import owed as obligations
from portal_site import demo_instructions, demo_regional_indicators

from . import demo_letters, demo_pages, demo_plan

DISTRICTS = [
    ("Ачинский район", "achinsk"),
    ("Берёзовский район", "berezovka"),
    ("Богучанский район", "boguchany"),
    ("Емельяновский район", "emelyanovo"),
    ("Енисейский район", "eniseysk"),
    ("Канский район", "kansk"),
    ("Кежемский район", "kezhma"),
    ("Курагинский район", "kuragino"),
    ("Минусинский район", "minusinsk"),
    ("Назаровский район", "nazarovo"),
    ("Рыбинский район", "rybinsk"),
    ("Шарыповский район", "sharypovo"),
    ("г. Красноярск, Октябрьский район", "krsk-oktyabrsky"),
    ("г. Красноярск, Советский район", "krsk-sovetsky"),
]

# Kind, a name pattern and its abbreviation; {place} is the district's town.
KIND_PATTERNS = [
    (
        OrganisationKind.COMPLEX_CENTRE,
        "Краевое государственное бюджетное учреждение социального обслуживания "
        "«Комплексный центр социального обслуживания населения «{place}»",
        "КЦСОН «{place}»",
        "kcson",
    ),
    (
        OrganisationKind.RESIDENTIAL_HOME,
        "Краевое государственное бюджетное учреждение социального обслуживания "
        "«{place} дом-интернат для граждан пожилого возраста и инвалидов»",
        "{place} дом-интернат",
        "di",
    ),
    (
        OrganisationKind.REHABILITATION_CENTRE,
        "Краевое государственное бюджетное учреждение социального обслуживания "
        "«Реабилитационный центр для детей и подростков с ограниченными "
        "возможностями «{place}»",
        "Реабилитационный центр «{place}»",
        "rc",
    ),
    (
        OrganisationKind.FAMILY_CENTRE,
        "Краевое государственное бюджетное учреждение социального обслуживания "
        "«Центр социальной помощи семье и детям «{place}»",
        "ЦСПСД «{place}»",
        "cspsd",
    ),
    (
        OrganisationKind.USZN_OFFICE,
        "Территориальное отделение краевого государственного казённого учреждения "
        "«Управление социальной защиты населения» по {place_dative}",
        "ТО КГКУ «УСЗН» по {place_dative}",
        "uszn",
    ),
]

TOWNS = {
    "achinsk": ("Ачинский", "Ачинскому району"),
    "berezovka": ("Берёзовский", "Берёзовскому району"),
    "boguchany": ("Богучанский", "Богучанскому району"),
    "emelyanovo": ("Емельяновский", "Емельяновскому району"),
    "eniseysk": ("Енисейский", "Енисейскому району"),
    "kansk": ("Канский", "Канскому району"),
    "kezhma": ("Кежемский", "Кежемскому району"),
    "kuragino": ("Курагинский", "Курагинскому району"),
    "minusinsk": ("Минусинский", "Минусинскому району"),
    "nazarovo": ("Назаровский", "Назаровскому району"),
    "rybinsk": ("Рыбинский", "Рыбинскому району"),
    "sharypovo": ("Шарыповский", "Шарыповскому району"),
    "krsk-oktyabrsky": ("Октябрьский", "Октябрьскому району г. Красноярска"),
    "krsk-sovetsky": ("Советский", "Советскому району г. Красноярска"),
}

DEFICIENCIES = [
    (
        Criterion.K1,
        "1.1",
        "На сайте не размещены сведения о численности получателей услуг",
        "Разместить на официальном сайте сведения о численности получателей услуг",
    ),
    (
        Criterion.K1,
        "1.2",
        "На сайте нет раздела «Часто задаваемые вопросы»",
        "Создать на сайте раздел «Часто задаваемые вопросы» и наполнять его ежемесячно",
    ),
    (
        Criterion.K2,
        "2.1",
        "Нет питьевой воды в зоне ожидания",
        "Установить кулер с питьевой водой в зоне ожидания",
    ),
    (
        Criterion.K3,
        "3.1",
        "Вход в здание не оборудован пандусом",
        "Оборудовать главный вход пандусом и поручнями",
    ),
    (
        Criterion.K3,
        "3.2",
        "Нет дублирования надписей шрифтом Брайля",
        "Установить тактильные таблички со шрифтом Брайля",
    ),
    (
        Criterion.K4,
        "4.3",
        "Получатели отмечают невежливость при ответах по телефону",
        "Провести обучение сотрудников этике телефонного общения",
    ),
    (
        Criterion.K5,
        "5.2",
        "Неудобный график приёма граждан",
        "Ввести приём граждан по субботам и в вечерние часы",
    ),
]

RESPONSIBLE = [
    ("Иванова Марина Петровна", "заместитель директора"),
    ("Смирнов Алексей Викторович", "заведующий хозяйством"),
    ("Кузнецова Ольга Николаевна", "специалист по социальной работе"),
    ("Попов Дмитрий Сергеевич", "программист"),
    ("Васильева Елена Андреевна", "заведующая отделением"),
]

SUGGESTIONS = [
    "Спасибо социальному работнику за заботу!",
    "Хотелось бы, чтобы приём был и по субботам.",
    "Сделайте пандус у второго входа.",
    "Всё устраивает, персонал очень вежливый.",
    "Нужно больше мест в зоне ожидания.",
    "",
    "",
    "",
]

NOK_YEARS = (2022, 2023, 2024)
DECADE_START, DECADE_END = date(2024, 4, 8), date(2024, 4, 19)


@dataclass(frozen=True)
class DemoScale:
    """How big a demo region to build."""

    organisations: int = 60
    responses: int | None = None  # None: enough for a plausible sample each
    seed: int = 2024


def is_loaded() -> bool:
    """True when the demo region exists already."""
    return Campaign.objects.filter(slug="nok-2024").exists()


def build(scale: DemoScale = DemoScale(), log=print) -> None:
    """Create the demo region and compute and publish its results."""
    rng = random.Random(scale.seed)
    with transaction.atomic():
        districts = _districts()
        organisations = _organisations(rng, districts, scale.organisations)
        log(f"организаций: {len(organisations)}, районов: {len(districts)}")
        campaigns = _nok_campaigns(rng, organisations)
        demo_regional_indicators.use_regional_method(campaigns[-1])
        decade = _decade(rng, organisations, scale.responses)
        demo_plan.build_plan(random.Random(scale.seed + 1), organisations)
    # The site's pages first: the council reviews each campaign's results page.
    demo_pages.build_site(log=log)
    member = _council_member()
    # The same life cycle an editor runs in «Ход кампаний» (or with
    # ``manage.py campaign``): recompute, send to the council, the council
    # approves the results page, publish.
    for number, campaign in enumerate(campaigns, 1):
        lifecycle.recompute(campaign, actor=None)
        lifecycle.send_to_council(campaign, actor=None)
        _council_approves(
            campaign,
            member,
            number=f"{number}/{campaign.year}",
            decided_on=date(campaign.year, 11, 20),
            title="Об утверждении результатов независимой оценки качества "
            f"за {campaign.year} год",
            text="Общественный совет решил: утвердить результаты независимой "
            "оценки качества и рекомендовать организациям разработать планы "
            "мероприятий по устранению выявленных недостатков.",
        )
        lifecycle.publish(campaign, actor=None, note="Первая публикация")
        log(f"{campaign.title}: рассчитано и опубликовано")
    _plans(rng, campaigns[-1])
    demo_instructions.build_instructions(campaigns[-1], organisations)
    demo_letters.build_letters(campaigns[-1], organisations)
    obligations.open_obligations(decade, actor=None)
    _receive_submissions(rng, decade)
    log(f"{decade.title}: анкет {decade.responses.count()}")
    lifecycle.send_to_council(decade, actor=None)
    _council_approves(
        decade,
        member,
        number=f"{len(campaigns) + 1}/{decade.year}",
        decided_on=decade.period_end + timedelta(days=40),
        title=f"Об итогах Декады качества {decade.year} года",
        text="Общественный совет рассмотрел итоги опроса получателей услуг и "
        "рекомендовал учреждениям учесть замечания граждан в планах мероприятий.",
    )
    lifecycle.publish(decade, actor=None)


def _council_member():
    """The demo's member of the public council (cannot sign in: no password)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from evaluation import roles

    user, created = get_user_model().objects.get_or_create(
        username="sovet-demo",
        defaults={"first_name": "Анна", "last_name": "Соколова (демо)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        # get_or_create: a transactional test may have emptied the groups.
        user.groups.add(Group.objects.get_or_create(name=roles.COUNCIL)[0])
    return user


def _council_approves(campaign: Campaign, member, **decision) -> None:
    """The council approves the campaign's results page, as in «Очередь совета».

    The approval records the council's decision; the demo gives it the
    number, date and wording of its meeting, so its documents agree.
    """
    from publications import review
    from publications.campaign_pages import results_page_of

    page = results_page_of(campaign)
    if page is None or page.current_workflow_state is None:
        return
    review.council_approve(page, member, comment=decision["text"])
    latest = CouncilDecision.objects.filter(campaign=campaign).latest("pk")
    CouncilDecision.objects.filter(pk=latest.pk).update(**decision)


def _receive_submissions(rng: random.Random, decade: Campaign) -> None:
    """Most documents arrive on time, some late, a few never (as in life)."""
    rows = list(decade.submissions.all())
    for row in rows:
        luck = rng.random()
        if luck < 0.8:
            row.received_on = row.deadline - timedelta(days=rng.randint(0, 6))
            row.status = SubmissionStatus.ACCEPTED
        elif luck < 0.93:
            row.received_on = row.deadline + timedelta(days=rng.randint(1, 9))
            row.status = SubmissionStatus.RECEIVED
    Submission.objects.bulk_update(rows, ["received_on", "status"], batch_size=2000)


def _districts() -> list[District]:
    return [
        District.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in DISTRICTS
    ]


def _organisations(
    rng: random.Random, districts: list[District], count: int
) -> list[Organisation]:
    rows = []
    for index in range(count):
        district = districts[index % len(districts)]
        kind, long_pattern, short_pattern, abbr = KIND_PATTERNS[
            (index // len(districts)) % len(KIND_PATTERNS)
        ]
        place, place_dative = TOWNS[district.slug]
        serial = index // (len(districts) * len(KIND_PATTERNS))
        suffix = f" № {serial + 1}" if serial else ""
        is_uszn = kind == OrganisationKind.USZN_OFFICE
        rows.append(
            Organisation(
                name=long_pattern.format(place=place, place_dative=place_dative)
                + suffix,
                short_name=short_pattern.format(place=place, place_dative=place_dative)
                + suffix,
                slug=f"{abbr}-{district.slug}" + (f"-{serial + 1}" if serial else ""),
                code=f"DEMO-{index + 1:05d}",
                inn=f"24{index + 1:08d}",
                kind=kind,
                district=district,
                address=f"Красноярский край, {district.name}, ул. Ленина, д. {rng.randint(1, 120)}",
                website=f"https://{abbr}-{district.slug}.example.ru",
                has_online_questionnaire=rng.random() < 0.6,
                recipients_count=None if is_uszn else rng.randint(60, 900),
                registered_count=rng.randint(4000, 40000) if is_uszn else None,
                counts_as_of=date(2024, 1, 1),
            )
        )
    Organisation.objects.bulk_create(rows, batch_size=2000)
    return list(Organisation.objects.filter(code__startswith="DEMO-").order_by("code"))


def _inputs(rng: random.Random, quality: float) -> dict[str, object]:
    """Plausible indicator inputs; ``quality`` (0..1) shifts every share up."""
    r = rng.randint(40, 400)

    def share(base: int, low: float) -> int:
        p = min(1.0, low + (1 - low) * quality * rng.uniform(0.6, 1.0))
        return max(0, min(base, round(base * p)))

    q1 = share(r, 0.6)
    q3 = share(r, 0.3) if rng.random() > 0.05 else 0
    q7 = share(r, 0.05) if rng.random() > 0.1 else 0
    q11 = share(r, 0.2)
    yes = {
        "q1": q1,
        "q2": share(q1, 0.75),
        "q3": q3,
        "q4": share(q3, 0.75),
        "q5": share(r, 0.8),
        "q6": share(r, 0.78),
        "q7": q7,
        "q8": share(q7, 0.6),
        "q9": share(r, 0.85),
        "q10": share(r, 0.85),
        "q11": q11,
        "q12": share(q11, 0.8),
        "q13": share(r, 0.8),
        "q14": share(r, 0.8),
        "q15": share(r, 0.82),
    }
    stand_required = rng.choice([13, 15, 20])
    site_required = rng.choice([25, 28, 30])
    return {
        "respondents": r,
        "info_stand_present": share(stand_required, 0.6),
        "info_stand_required": stand_required,
        "info_stand_not_applicable": 20 - stand_required,
        "info_site_present": share(site_required, 0.6),
        "info_site_required": site_required,
        "info_site_not_applicable": 30 - site_required,
        "remote_channels": rng.randint(1, 6),
        "comfort_conditions": rng.randint(2, 7),
        "premises_access": rng.randint(0, 5),
        "service_access": rng.randint(1, 6),
        "yes": yes,
        "answered": {},
    }


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
        campaign.organisations.set(organisations)
        lifecycle.open_campaign(campaign, actor=None)
        IndicatorInput.objects.bulk_create(
            [
                IndicatorInput(
                    campaign=campaign,
                    organisation=org,
                    source=DataSource.DEMO,
                    source_reference=f"Демонстрационный отчёт оператора за {year} год",
                    **_inputs(rng, min(1.0, base_quality[org.pk] + 0.07 * offset)),
                )
                for org in organisations
            ],
            batch_size=2000,
        )
        campaigns.append(campaign)
    return campaigns


def _decade(
    rng: random.Random, organisations: list[Organisation], total: int | None
) -> Campaign:
    decade = Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=2024,
        title="Декада качества 2024",
        slug="decade-2024",
        period_start=DECADE_START,
        period_end=DECADE_END,
    )
    decade.organisations.set(organisations)
    lifecycle.open_campaign(decade, actor=None)
    # The online questionnaire is open from the demo's build for 90 days, so
    # ``make run`` shows it at /q/<organisation code>/.
    OnlineQuestionnaire.objects.create(
        campaign=decade,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=90),
    )
    channels = list(SurveyChannel.values)
    per_org = None if total is None else max(1, total // max(1, len(organisations)))
    batch: list[SurveyResponse] = []
    for org in organisations:
        if per_org is not None:
            count = per_org
        elif org.kind == OrganisationKind.USZN_OFFICE:
            count = round((org.registered_count or 0) * rng.uniform(0.003, 0.009))
        else:
            count = round((org.recipients_count or 0) * rng.uniform(0.2, 0.5))
        for _ in range(count):
            batch.append(_response(rng, decade, org, channels))
            if len(batch) >= 5000:
                SurveyResponse.objects.bulk_create(batch)
                batch.clear()
    SurveyResponse.objects.bulk_create(batch)
    return decade


def _response(
    rng: random.Random, decade: Campaign, org: Organisation, channels: list[str]
) -> SurveyResponse:
    happy = rng.random() < 0.88
    answers: dict[str, bool | None] = {}
    answers["q1"] = rng.random() < 0.8
    answers["q2"] = (rng.random() < (0.95 if happy else 0.5)) if answers["q1"] else None
    answers["q3"] = rng.random() < 0.5
    answers["q4"] = (rng.random() < (0.93 if happy else 0.5)) if answers["q3"] else None
    answers["q5"] = rng.random() < (0.95 if happy else 0.6)
    answers["q6"] = rng.random() < (0.94 if happy else 0.5)
    answers["q7"] = rng.random() < 0.25
    answers["q8"] = (rng.random() < 0.85) if answers["q7"] else None
    for q in ("q9", "q10"):
        answers[q] = rng.random() < (0.98 if happy else 0.7)
    answers["q11"] = rng.random() < 0.4
    answers["q12"] = (rng.random() < 0.9) if answers["q11"] else None
    for q in ("q13", "q14", "q15"):
        answers[q] = rng.random() < (0.96 if happy else 0.4)
    return SurveyResponse(
        campaign=decade,
        organisation=org,
        answers=answers,
        suggestion=rng.choice(SUGGESTIONS),
        channel=rng.choices(channels, weights=[40, 8, 4, 6, 3, 2, 5, 3, 6, 3, 1, 19])[
            0
        ],
        kind=SurveyKind.INTERVIEW if rng.random() < 0.1 else SurveyKind.QUESTIONNAIRE,
        external_territorial=rng.random() < 0.02,
        sex=rng.choice(["m", "f", ""]),
        age_group=rng.choice(["18-35", "36-59", "60+", ""]),
        collected_on=DECADE_START + timedelta(days=rng.randint(0, 11)),
        source=DataSource.DEMO,
    )


def _plans(rng: random.Random, campaign: Campaign) -> None:
    """Plans for the latest НОК: measures linked to indicators, some reported."""
    for org in campaign.organisations.order_by("code")[:40]:
        plan = ImprovementPlan.objects.create(
            organisation=org,
            campaign=campaign,
            year=campaign.year + 1,
            status=PlanStatus.APPROVED,
            approved_on=date(campaign.year, 12, rng.randint(1, 25)),
        )
        chosen = rng.sample(DEFICIENCIES, k=rng.randint(2, 4))
        for position, (criterion, code, deficiency, action) in enumerate(chosen, 1):
            name, role = rng.choice(RESPONSIBLE)
            planned = date(campaign.year + 1, rng.randint(2, 12), rng.randint(1, 28))
            done = rng.random() < 0.55
            measure = Measure.objects.create(
                plan=plan,
                position=position,
                criterion=criterion,
                indicator_code=code,
                deficiency=deficiency,
                action=action,
                planned_date=planned,
                responsible_name=name,
                responsible_position=role,
                status=MeasureStatus.DONE if done else MeasureStatus.IN_PROGRESS,
            )
            if done:
                MeasureReport.objects.create(
                    measure=measure,
                    done=f"Выполнено: {action.lower()}.",
                    actual_date=planned - timedelta(days=rng.randint(0, 30)),
                )
