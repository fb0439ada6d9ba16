"""РМЦ's consolidation of a Декада: read the XLSX back, check hand-computed totals."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from evaluation import roles
from evaluation.decade import consolidation
from evaluation.enums import (
    CampaignKind,
    Criterion,
    MeasureStatus,
    OrganisationKind,
    PlanStatus,
    SurveyChannel,
)
from evaluation.models import (
    AuditEvent,
    Campaign,
    DecadeSummary,
    District,
    ImprovementPlan,
    Measure,
    Organisation,
    SurveyResponse,
)
from tests.factories.evaluation import DecadeCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decade():
    district = District.objects.create(name="г. Ачинск", slug="achinsk")

    def organisation(code, name, kind=OrganisationKind.COMPLEX_CENTRE, **counts):
        return Organisation.objects.create(
            name=name,
            short_name=name,
            slug=code.lower(),
            code=code,
            kind=kind,
            district=district,
            **counts,
        )

    a = organisation("A", "А-центр", recipients_count=100)
    b = organisation("B", "Б-центр", recipients_count=50)
    c = organisation("C", "В-центр (не прислал)")
    x = organisation(
        "X", "УСЗН Ачинск", OrganisationKind.USZN_OFFICE, registered_count=10000
    )
    y = organisation("Y", "УСЗН Боготол", OrganisationKind.USZN_OFFICE)
    campaign = DecadeCampaignFactory(organisations=[a, b, c, x, y])
    DecadeSummary.objects.create(
        campaign=campaign,
        organisation=a,
        questionnaires=40,
        external_territorial=2,
        by_channel={"office": 30, "mail": 10},
        by_kind={"questionnaire": 40},
        yes={"q1": 30, "q15": 35},
    )
    for number, (channel, answers, extra) in enumerate(
        [
            (SurveyChannel.OFFICE, {"q1": True, "q15": True}, {}),
            (SurveyChannel.OFFICE, {"q15": True}, {}),
            (SurveyChannel.MAIL, {"q15": False}, {}),
            (SurveyChannel.MAIL, {"q15": True}, {"excluded": True}),
            (SurveyChannel.OFFICE, {"q15": True}, {"external_territorial": True}),
        ],
        start=1,
    ):
        SurveyResponse.objects.create(
            campaign=campaign,
            organisation=b,
            number=str(number),
            answers=answers,
            channel=channel,
            collected_on=date(2024, 4, 9),
            **extra,
        )
    DecadeSummary.objects.create(
        campaign=campaign,
        organisation=x,
        base=10000,
        questionnaires=60,
        by_channel={"post_office": 20, "mfc": 40},
        by_kind={"questionnaire": 50, "interview": 10},
        yes={"q15": 50},
    )
    DecadeSummary.objects.create(
        campaign=campaign,
        organisation=y,
        questionnaires=10,
        by_channel={"street": 10},
        by_kind={"questionnaire": 10},
        yes={"q15": 9},
    )
    plan_a = ImprovementPlan.objects.create(
        organisation=a, campaign=campaign, year=2024, status=PlanStatus.APPROVED
    )
    plan_x = ImprovementPlan.objects.create(
        organisation=x, campaign=campaign, year=2024, status=PlanStatus.SUBMITTED
    )
    for plan, position, status, action in [
        (plan_a, 1, MeasureStatus.PLANNED, "Установить пандус"),
        (plan_a, 2, MeasureStatus.DONE, "Обновить стенд"),
        (plan_a, 3, MeasureStatus.DONE, '=HYPERLINK("http://evil")'),
        (plan_x, 1, MeasureStatus.IN_PROGRESS, "Продлить часы приёма"),
    ]:
        Measure.objects.create(
            plan=plan,
            position=position,
            criterion=Criterion.K2,
            indicator_code="2.1",
            deficiency="Замечания граждан",
            action=action,
            planned_date=date(2024, 12, 1),
            responsible_name="Иванова И. И.",
            responsible_position="Директор",
            status=status,
        )
    return campaign


def sheet_rows(content: bytes, title: str):
    workbook = load_workbook(io.BytesIO(content))
    return workbook[title]


def columns(sheet) -> dict[str, int]:
    """Column numbers by header label (lower header row wins for groups)."""
    found: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=1, max_row=8):
        for cell in row:
            if isinstance(cell.value, str):
                found.setdefault(cell.value, cell.column)
    return found


def row_named(sheet, name: str) -> list:
    for row in sheet.iter_rows(values_only=True):
        if row[1] == name:
            return list(row)
    raise AssertionError(f"no row {name!r}")


def test_region_summary_pools_summaries_responses_and_missing(decade) -> None:
    summary = consolidation.region_summary(decade)
    institutions, uszn = summary.sections
    assert [r.source for r in institutions.rows] == [
        consolidation.SOURCE_SUMMARY,
        consolidation.SOURCE_RESPONSES,
        consolidation.SOURCE_MISSING,
    ]
    assert institutions.total.questionnaires == 43
    assert institutions.total.base == 150
    assert institutions.total.sample_share == Decimal("28.67")  # 43 / 150
    assert uszn.total.base == 10000  # Боготол's base is unknown
    assert uszn.total.sample_share == Decimal("0.60")  # 60 / 10000
    assert summary.total.questionnaires == 113
    assert summary.total.yes["q15"] == 35 + 2 + 50 + 9
    assert [o.short_name for o in summary.missing] == ["В-центр (не прислал)"]


def test_summary_workbook_layout_and_totals(decade) -> None:
    sheet = sheet_rows(
        consolidation.summary_workbook(decade, today=date(2024, 5, 30)),
        "Сводная информация",
    )
    assert sheet["A1"].value.startswith(
        "Сводная информация об итогах Декады качества 2024"
    )
    assert "30.05.2024" in sheet["A3"].value
    assert sheet.freeze_panes == "C8"  # titles, two header rows, column numbers
    assert [sheet.cell(row=7, column=n).value for n in (1, 2, 3)] == [1, 2, 3]
    assert sheet.column_dimensions["B"].width == 42
    header = columns(sheet)
    assert "Учтено анкет по способам получения" in header
    office = header[str(SurveyChannel.OFFICE.label)]
    mail = header[str(SurveyChannel.MAIL.label)]
    interview = header["Интервью"]
    q1, q15 = header["Вопрос 1"], header["Вопрос 15"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A5:A6" in merged  # a single column spans both header rows

    b_row = row_named(sheet, "Б-центр")
    assert b_row[3:8] == [50, 3, 6, 30, 1]  # 3 of 50 = 6,00 %; 1 external
    assert b_row[office - 1] == 2 and b_row[mail - 1] == 1 and b_row[q15 - 1] == 2
    assert b_row[-1] == consolidation.SOURCE_RESPONSES

    missing = row_named(sheet, "В-центр (не прислал)")
    assert missing[4] is None and missing[-1] == consolidation.SOURCE_MISSING

    institutions = row_named(sheet, "Итого по учреждениям")
    assert institutions[3:8] == [150, 43, 28.67, 30, 3]
    assert institutions[office - 1] == 32 and institutions[mail - 1] == 11
    assert institutions[q1 - 1] == 31 and institutions[q15 - 1] == 37

    uszn = row_named(sheet, "Итого по КГКУ «УСЗН»")
    assert uszn[3:8] == [10000, 70, 0.6, 0.5, 0]
    assert uszn[interview - 1] == 10 and uszn[q15 - 1] == 59

    total = row_named(sheet, "Всего по краю")
    assert total[3:8] == [10150, 113, None, None, 3]
    assert total[q15 - 1] == 96 and total[office - 1] == 32
    assert total[interview - 1] == 10
    texts = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert any("Не представили" in t and "В-центр" in t for t in texts)


def test_plan_workbook_lists_every_measure_with_totals(decade) -> None:
    content = consolidation.plan_workbook(decade, today=date(2024, 6, 1))
    plan = sheet_rows(content, "Сводный план")
    assert plan.freeze_panes == "C8"
    numbers = [row[0] for row in plan.iter_rows(min_row=8, values_only=True)]
    measures = [n for n in numbers if isinstance(n, str) and n[:1].isdigit()]
    assert [n for n in measures if ". " not in n] == ["1.1", "1.2", "1.3", "2.1"]
    actions = [row[5] for row in plan.iter_rows(min_row=8, values_only=True)]
    # A formula-looking text is stored as text, never as a formula.
    assert '\'=HYPERLINK("http://evil")' in actions
    assert "Продлить часы приёма" in actions
    sections = [row[0] for row in plan.iter_rows(min_row=8, values_only=True)]
    assert any(str(s).startswith("1. А-центр") for s in sections)
    assert any(str(s).startswith("2. УСЗН Ачинск") for s in sections)

    totals = sheet_rows(content, "Итоги")
    header = columns(totals)
    done = header[str(MeasureStatus.DONE.label)]
    planned = header[str(MeasureStatus.PLANNED.label)]
    a_row = row_named(totals, "А-центр")
    assert a_row[3] == 3 and a_row[done - 1] == 2 and a_row[planned - 1] == 1
    total = row_named(totals, "Всего по краю")
    assert total[2] == "планов: 2"
    assert total[3] == 4 and total[done - 1] == 2
    assert total[header[str(MeasureStatus.IN_PROGRESS.label)] - 1] == 1


def test_command_writes_both_workbooks(decade, tmp_path) -> None:
    summary_path, plan_path = tmp_path / "svod.xlsx", tmp_path / "plan.xlsx"
    out = io.StringIO()
    call_command(
        "consolidate_decade", "decade-2024", "--out", str(summary_path), stdout=out
    )
    call_command(
        "consolidate_decade",
        str(decade.pk),
        "--out",
        str(plan_path),
        "--plan",
        stdout=out,
    )
    assert (
        row_named(
            sheet_rows(summary_path.read_bytes(), "Сводная информация"), "Всего по краю"
        )[4]
        == 113
    )
    assert (
        row_named(sheet_rows(plan_path.read_bytes(), "Итоги"), "Всего по краю")[3] == 4
    )
    assert "Сводный план мероприятий" in out.getvalue()
    assert AuditEvent.objects.filter(action="decade.consolidate").count() == 2
    with pytest.raises(CommandError, match="не найдена"):
        call_command("consolidate_decade", "nope", "--out", str(plan_path))


def test_command_refuses_a_nok_campaign(tmp_path) -> None:
    Campaign.objects.create(
        kind=CampaignKind.NOK,
        year=2024,
        title="НОК 2024",
        slug="nok-2024",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
    )
    with pytest.raises(CommandError, match="не Декада"):
        call_command(
            "consolidate_decade", "nok-2024", "--out", str(tmp_path / "x.xlsx")
        )


def test_admin_download_for_editors(client, decade, django_user_model) -> None:
    editor = django_user_model.objects.create_user("rmc", password="pw")
    editor.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    page = client.get(reverse("qp_decade_consolidation"))
    assert page.status_code == 200 and "Декада качества 2024" in page.content.decode()
    response = client.get(
        reverse("qp_decade_consolidation_download", args=[decade.pk, "summary"])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = sheet_rows(response.content, "Сводная информация")
    assert row_named(sheet, "Всего по краю")[4] == 113
