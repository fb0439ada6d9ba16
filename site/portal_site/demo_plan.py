"""The demo region's own НОК plan: seed 001 moved to the demo years.

The ministry's plan (Part II: twelve items with sub-items), its two target
indicators (Part I) computed from the campaigns and the website monitoring,
plausible execution records and yearly website checks of every organisation.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from evaluation.enums import CheckMethod, OrganisationKind, TargetSource
from evaluation.models import (
    CouncilDecision,
    Organisation,
    PlanExecution,
    PlanItem,
    RegionalPlan,
    TargetIndicator,
    TargetIndicatorValue,
    WebsiteCheck,
)
from evaluation.regional.schedules import parse_schedule
from evaluation.regional.website import CHANNEL_CODES, SITE_ITEM_CODES

FIRST_YEAR, LAST_YEAR = 2022, 2024
M = "министерство"
C = "общественный совет"
ORGS = "организации социального обслуживания"

#: Seed 001, Part II, with the years moved from 2016–2018 to 2022–2024.
ITEMS: tuple[tuple[str, str, str, str, str], ...] = (
    ("1", "Проведение заседаний общественного совета при министерстве с участием представителей министерства:", "заседания и решения общественного совета", "2 раза в год 2022 - 2024 годов", f"{M}, {C}"),
    ("1.1", "О функционировании системы независимой оценки в отчётном году и планах по её развитию на предстоящий год (итоги мониторинга)", "решение общественного совета, доклад на заседании общественного совета", "1 квартал 2022 года, далее - ежегодно", f"{M}, {C}"),
    ("1.2", "О лучших практиках организации работы по оказанию социальных услуг на дому, в полустационарной и стационарной формах", "решение общественного совета с утверждением итогов независимой оценки", "ежегодно, 4 квартал", f"{M}, {C}"),
    ("1.3", "О реализации планов по совершенствованию деятельности организаций, разработанных с учётом результатов независимой оценки", "решение общественного совета", "ежегодно, 4 квартал", C),
    ("1.4", "О перечне организаций, в отношении которых проводится независимая оценка, и техническом задании оператору", "решение общественного совета об утверждении перечня", "ежегодно, 4 квартал", C),
    ("1.5", "Об итогах независимой оценки и предложениях общественного совета по улучшению работы организаций", "решение общественного совета", "ежегодно, 4 квартал", C),
    ("1.6", "О проведении в муниципальных образованиях информационной работы по вопросам независимой оценки, взаимодействии со СМИ", "решение общественного совета", "ежегодно, 4 квартал", f"{C}, {ORGS}"),
    ("1.7", "Об основных недостатках в работе организаций, выявленных в ходе независимой оценки, и предложениях по их устранению", "информационное письмо в министерство", "ежегодно, 1 квартал", C),
    ("1.8", "Об учёте предложений по итогам независимой оценки при разработке государственных программ и «дорожных карт»", "нормативные правовые акты", "ежегодно, 1 квартал", f"{M}, {C}"),
    ("1.9", "О предложениях по совершенствованию системы независимой оценки", "аналитическая записка с предложениями", "ежегодно, 4 квартал", C),
    ("2", "Актуализация дополнительных показателей, характеризующих общие критерии независимой оценки", "решение общественного совета", "по мере необходимости", C),
    ("3", "Обеспечение технической возможности выражения мнений получателями услуг о качестве услуг на официальных сайтах организаций", "размещение анкеты на официальном сайте организации для интернет-опроса получателей услуг", "1 квартал 2022 года", ORGS),
    ("4", "Размещение организациями информации о своей деятельности на своих сайтах (приказ Минтруда России № 886н) и на bus.gov.ru (приказ Минфина России № 86н)", "размещение информации", "постоянно", ORGS),
    ("5", "Организация и проведение независимой оценки организаций социального обслуживания:", "", "ежегодно", C),
    ("5.1", "Формирование перечня организаций, в отношении которых проводится независимая оценка", "предложения общественного совета (решение общественного совета)", "ежегодно, 4 квартал", C),
    ("5.2", "Формирование технического задания на сбор, обобщение и анализ информации о качестве оказания услуг", "предложения общественного совета к проекту технического задания", "4 квартал 2022 года 4 квартал 2023 года", C),
    ("5.3", "Проведение конкурса и заключение государственного контракта с оператором; решение министерства об определении оператора", "заключение государственного контракта", "1 квартал 2023 года 1 квартал 2024 года", M),
    ("5.4", "Осуществление независимой оценки с учётом информации организации-оператора (итоговая оценка, рейтинги)", "отчёт организации-оператора, решение общественного совета", "ежегодно, 4 квартал", C),
    ("5.5", "Представление общественным советом в министерство результатов независимой оценки и предложений об улучшении качества", "отчёт об итогах независимой оценки и предложения общественного совета", "ежегодно, 4 квартал", C),
    ("6", "Размещение информации о результатах независимой оценки на официальном сайте bus.gov.ru", "информация о результатах независимой оценки на bus.gov.ru", "ежегодно, 4 квартал", M),
    ("7", "Рассмотрение итогов независимой оценки и выработка решений по улучшению качества работы организаций", "поручения директорам организаций (планы работы по улучшению деятельности)", "ежегодно, 4 квартал", M),
    ("8", "Утверждение планов мероприятий по улучшению качества работы организаций и размещение их на сайтах организаций и bus.gov.ru", "планы мероприятий", "ежегодно, 4 квартал", ORGS),
    ("9", "Организация контроля выполнения планов мероприятий по улучшению качества работы организаций", "информация о результатах выполнения плана мероприятий", "в сроки, установленные планом мероприятий", C),
    ("10", "Информационная и техническая поддержка раздела «Независимая оценка качества» на официальном сайте министерства", "актуализация информации на сайте", "постоянно", M),
    ("11", "Мониторинг размещения информации о независимой оценке на сайтах организаций и возможности выразить мнение о качестве услуг", "информация о результатах мониторинга и поручения по устранению недостатков", "постоянно", f"{M}, {C}"),
    ("12", "Оказание методической помощи организациям социального обслуживания", "информационные письма", "постоянно (по мере необходимости)", M),
)  # fmt: skip

TARGETS = (
    (
        "Доля организаций социального обслуживания, в отношении которых проведена "
        "независимая оценка качества в отчётном году, от общего количества "
        "организаций социального обслуживания",
        TargetSource.ASSESSED_SHARE,
        100,
        (100, 100, 100),
    ),
    (
        "Удельный вес организаций социального обслуживания, на официальных сайтах "
        "которых обеспечена возможность выражения мнения граждан о качестве услуг "
        "(анкета для интернет-опроса)",
        TargetSource.QUESTIONNAIRE_SHARE,
        46.6,
        (100, 100, 100),
    ),
)

#: Share of organisations with a working questionnaire at each year's check.
QUESTIONNAIRE_RATE = {2022: 0.6, 2023: 0.8, 2024: 0.95}


def build_plan(rng: random.Random, organisations: list[Organisation]) -> RegionalPlan:
    """Create the plan, its targets, executions and website checks."""
    plan = RegionalPlan.objects.create(
        title="План по организации проведения независимой оценки качества работы "
        "организаций социального обслуживания края",
        approved_by="приказ министерства от 24.03.2022 № 409-од",
        approved_on=date(2022, 3, 24),
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
        base_year=FIRST_YEAR - 1,
    )
    _items(plan)
    _targets(plan)
    _executions(rng, plan)
    _website_checks(rng, organisations)
    return plan


def _items(plan: RegionalPlan) -> None:
    created: dict[str, PlanItem] = {}
    for position, (number, measure, form, deadline, executors) in enumerate(ITEMS):
        head, dot, _ = number.partition(".")
        item = PlanItem(
            plan=plan,
            parent=created[head] if dot else None,
            number=number,
            position=position,
            measure=measure,
            form=form,
            deadline_text=deadline,
            schedule=parse_schedule(deadline).as_json(),
            by_ministry=M in executors,
            by_council=C in executors,
            by_organisations=ORGS in executors,
            executors_text=executors,
        )
        item.save()
        created[number] = item


def _targets(plan: RegionalPlan) -> None:
    for position, (title, source, base, planned) in enumerate(TARGETS, 1):
        indicator = TargetIndicator.objects.create(
            title=title, position=position, plan=plan, source=source
        )
        TargetIndicatorValue.objects.create(
            indicator=indicator, year=plan.base_year, actual=base
        )
        for year, value in zip(plan.years, planned, strict=True):
            TargetIndicatorValue.objects.create(
                indicator=indicator, year=year, planned=value
            )


def _executions(rng: random.Random, plan: RegionalPlan) -> None:
    decisions = {d.decided_on.year: d for d in CouncilDecision.objects.all()}
    rows = []
    for item in plan.items.all():
        schedule = item.get_schedule()
        for period in schedule.periods(plan.first_year, plan.last_year):
            if schedule.kind == "permanent":
                for month in sorted(rng.sample(range(1, 13), 3)):
                    rows.append(
                        PlanExecution(
                            item=item,
                            period_due=period.due,
                            done_on=date(period.due.year, month, rng.randint(1, 28)),
                            summary=f"Выполнено: {item.form or item.measure}.",
                        )
                    )
                continue
            if rng.random() < 0.12:  # a few periods are missed, as in life
                continue
            late = rng.random() < 0.15
            done_on = period.due + timedelta(
                days=rng.randint(1, 25) if late else -rng.randint(0, 40)
            )
            decision = decisions.get(period.due.year) if item.by_council else None
            rows.append(
                PlanExecution(
                    item=item,
                    period_due=period.due,
                    done_on=done_on,
                    summary=f"{item.form.capitalize() or 'Выполнено'} за {period.label}.",
                    decision=decision if decision and period.due.month == 12 else None,
                )
            )
    PlanExecution.objects.bulk_create(rows)


def _website_checks(rng: random.Random, organisations: list[Organisation]) -> None:
    rows = []
    latest: dict[int, bool] = {}
    for organisation in organisations:
        if organisation.kind == OrganisationKind.USZN_OFFICE:
            continue
        for year, rate in QUESTIONNAIRE_RATE.items():
            has_link = rng.random() < rate
            shown = [c for c in SITE_ITEM_CODES if rng.random() < 0.6 + rate / 3]
            rows.append(
                WebsiteCheck(
                    organisation=organisation,
                    checked_on=date(year, 3, rng.randint(10, 28)),
                    url=organisation.website,
                    method=CheckMethod.MANUAL,
                    items=shown,
                    channels=[c for c in CHANNEL_CODES if rng.random() < 0.6]
                    + (["survey"] if has_link and rng.random() < 0.5 else []),
                    questionnaire_url=f"{organisation.website}/anketa/"
                    if has_link
                    else "",
                    questionnaire_ok=has_link,
                )
            )
            latest[organisation.pk] = has_link
    for row in rows:
        row.channels = sorted(set(row.channels))
    WebsiteCheck.objects.bulk_create(rows, batch_size=2000)
    for flag in (True, False):
        Organisation.objects.filter(
            pk__in=[pk for pk, value in latest.items() if value is flag]
        ).update(has_online_questionnaire=flag)
