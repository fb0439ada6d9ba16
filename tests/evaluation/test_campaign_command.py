"""``manage.py campaign``: the whole flow from an empty database, exit codes, dry runs."""

from __future__ import annotations

import copy
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from evaluation import roles, selectors
from evaluation.enums import CampaignStatus, OrganisationKind
from evaluation.models import AuditEvent, Campaign, Publication, Result
from evaluation.nok import services
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.factories.council import council_approves
from tests.factories.evaluation import OrganisationFactory

pytestmark = pytest.mark.django_db


def campaign(*args: str) -> str:
    out = StringIO()
    call_command("campaign", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        campaign(*args)
    assert caught.value.returncode == 2
    return str(caught.value)


CREATE = (
    "create",
    "--kind=nok",
    "--year=2025",
    "--slug=nok-2025",
    "--start=2025-03-01",
    "--end=2025-10-31",
)


def test_the_whole_flow_from_an_empty_database() -> None:
    assert "Кампаний нет" in campaign("list")
    a = OrganisationFactory(code="KCSON-1", inn="2400000001", short_name="КЦСОН 1")
    b = OrganisationFactory(code="KCSON-2", inn="2400000002", short_name="КЦСОН 2")
    OrganisationFactory(code="OTHER", kind=OrganisationKind.USZN_OFFICE)

    out = campaign(*CREATE, "--organisations=KCSON-1, 2400000002")
    assert "Создана кампания nok-2025" in out
    nok = Campaign.objects.get(slug="nok-2025")
    assert set(nok.organisations.all()) == {a, b}
    assert nok.status == CampaignStatus.DRAFT
    assert "Подготовка" in campaign("list")

    assert "Сбор данных" in campaign("open", "nok-2025")
    assert "Нет исходных данных" in refused("recompute", "nok-2025")

    # the operator's results arrive (an import does the same)
    services.save_indicator_inputs(nok, a, EXAMPLE_A)
    services.save_indicator_inputs(nok, b, EXAMPLE_B)

    assert "сначала выполните manage.py campaign recompute nok-2025" in campaign(
        "preview", "nok-2025"
    )
    out = campaign("recompute", "nok-2025", "--dry-run")
    assert "Пробный запуск: изменения не сохранены." in out
    assert "добавлено 2" in out
    assert not Result.objects.filter(campaign=nok).exists()

    out = campaign("recompute", "nok-2025")
    assert "+ КЦСОН 1: Итог — → " in out
    assert "Пересчитана" in out
    out = campaign("preview", "nok-2025")
    assert "сравнение с публикацией (её ещё нет): добавлено 2, исключено 0" in out
    assert "Внимание" not in out

    assert "Сначала направьте" in refused("publish", "nok-2025")
    assert "На рассмотрении общественного совета" in campaign("review", "nok-2025")
    # The council decides in the admin («Очередь совета»), not by command.
    assert "дождитесь его решения" in refused("publish", "nok-2025")
    council_approves(nok)
    out = campaign("publish", "nok-2025")
    assert "Опубликовано: «Независимая оценка качества 2025 года», версия 1" in out
    assert selectors.latest_publication(nok).version == 1

    # a corrected upload
    corrected = copy.deepcopy(EXAMPLE_A)
    corrected["respondents"] = 210
    services.save_indicator_inputs(nok, b, corrected)
    assert "сначала пересчитайте" in refused("correct", "nok-2025", "--note=x")
    out = campaign("recompute", "nok-2025")
    assert (
        "сравнение с опубликованной версией 1: добавлено 0, исключено 0, изменено"
        in out
    )
    assert "~ КЦСОН 2: Итог " in out
    assert "Укажите примечание" in refused("correct", "nok-2025")
    campaign("correct", "nok-2025", "--note=Исправлены ответы КЦСОН 2", "--dry-run")
    assert Publication.objects.filter(campaign=nok).count() == 1
    out = campaign("correct", "nok-2025", "--note=Исправлены ответы КЦСОН 2")
    assert "версия 2" in out
    assert "Опубликована с исправлениями" in campaign("list")
    assert Publication.objects.get(campaign=nok, version=2).note == (
        "Исправлены ответы КЦСОН 2"
    )

    assert "пояснение" in refused("withdraw", "nok-2025")
    campaign("withdraw", "nok-2025", "--note=Опрос проведён с нарушениями.")
    nok.refresh_from_db()
    assert nok.status == CampaignStatus.WITHDRAWN
    assert nok.withdrawal_note == "Опрос проведён с нарушениями."
    assert "Отозвана" in campaign("list")


def test_create_by_kind_and_bad_input_write_nothing() -> None:
    OrganisationFactory(code="U1", kind=OrganisationKind.USZN_OFFICE)
    OrganisationFactory(code="U2", kind=OrganisationKind.USZN_OFFICE)
    OrganisationFactory(code="C1")
    assert "Не найдены организации с кодом или ИНН: NOPE" in refused(
        *CREATE, "--organisations=C1 NOPE"
    )
    assert "не в формате ГГГГ-ММ-ДД" in refused(
        "create", "--kind=nok", "--year=2025", "--slug=x", "--start=1.3.25", "--end=x"
    )
    assert "Окончание периода раньше его начала" in refused(
        "create",
        "--kind=nok",
        "--year=2025",
        "--slug=x",
        "--start=2025-10-01",
        "--end=2025-03-01",
    )
    assert not Campaign.objects.exists()
    campaign(*CREATE, "--organisation-kind=uszn_office", "--dry-run")
    assert not Campaign.objects.exists()
    campaign(*CREATE, "--organisation-kind=uszn_office")
    assert sorted(
        Campaign.objects.get().organisations.values_list("code", flat=True)
    ) == ["U1", "U2"]
    assert "уже существует" in refused(*CREATE)
    assert AuditEvent.objects.filter(action="campaign.create").count() == 1


def test_unknown_campaign_and_non_editor_user_exit_2(django_user_model) -> None:
    assert "Кампания «nope» не найдена" in refused("open", "nope")
    OrganisationFactory(code="C1")
    campaign(*CREATE, "--organisations=C1")
    council = django_user_model.objects.create_user("council")
    council.groups.add(Group.objects.get(name=roles.COUNCIL))
    assert "только редакторы" in refused("open", "nok-2025", "--user=council")
    assert "Пользователь «ghost» не найден" in refused(
        "open", "nok-2025", "--user=ghost"
    )
    editor = django_user_model.objects.create_user("editor")
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    campaign("open", "nok-2025", "--user=editor")
    event = AuditEvent.objects.get(action="campaign.status")
    assert event.actor == editor


def test_argument_errors_are_russian_with_status_2(capsys) -> None:
    from django.core.management import load_command_class

    assert "Неверные аргументы команды" in refused("explode", "x")
    assert "Неверные аргументы команды" in refused("publish")  # no SLUG
    command = load_command_class("evaluation", "campaign")
    command._called_from_command_line = True
    parser = command.create_parser("manage.py", "campaign")
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["publish"])
    assert caught.value.code == 2
    assert "Неверные аргументы команды" in capsys.readouterr().err


def test_a_decade_through_the_commands() -> None:
    """Open, owed documents, recompute, council, publish and correct a Декада."""
    import datetime as dt

    from evaluation.enums import SurveyChannel
    from evaluation.models import Submission, SurveyResponse

    centre = OrganisationFactory(
        code="KCSON-1", short_name="КЦСОН 1", recipients_count=100
    )

    def questionnaires(count: int, satisfied: bool = True) -> None:
        answers = {f"q{i}": True for i in range(1, 16)} | {"q15": satisfied}
        SurveyResponse.objects.bulk_create(
            SurveyResponse(
                campaign=decade,
                organisation=centre,
                answers=answers,
                channel=SurveyChannel.OFFICE,
                collected_on=dt.date(2025, 4, 10),
            )
            for _ in range(count)
        )

    out = campaign(
        "create", "--kind=decade", "--year=2025", "--slug=dekada-2025",
        "--start=2025-04-01", "--end=2025-04-10", "--organisations=KCSON-1",
    )  # fmt: skip
    assert "Создана кампания dekada-2025" in out
    decade = Campaign.objects.get(slug="dekada-2025")
    campaign("open", "dekada-2025")
    assert Submission.objects.filter(campaign=decade, organisation=centre).count() == 4
    questionnaires(35)
    campaign("recompute", "dekada-2025")
    campaign("review", "dekada-2025")
    council_approves(decade)
    out = campaign("publish", "dekada-2025")
    assert "версия 1" in out
    assert selectors.decade_summary(decade, centre).counted == 35

    questionnaires(5, satisfied=False)  # late questionnaires: nothing public yet
    assert selectors.decade_summary(decade, centre).counted == 35
    campaign("recompute", "dekada-2025")
    out = campaign("correct", "dekada-2025", "--note=Учтены пять поздних анкет")
    assert "версия 2" in out
    summary = selectors.decade_summary(decade, centre)
    assert (summary.counted, summary.question("q15").share) == (40, Decimal("87.50"))
