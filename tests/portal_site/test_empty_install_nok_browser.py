"""Issue 21 acceptance: a НОК campaign from an empty installation, all in Chromium.

The database holds only what the migrations make (rebuilt after the
transactional flush: the site and its home page, the root collection, the
five role groups). Only a superuser is created in code; everyone else is
created by the administrator in the Wagtail admin, and every later step is
done by the user whose job it is, through the admin screens:

1. the administrator creates an editor, an operator and a council member;
2. the editor fills the districts, imports the register of organisations,
   creates a НОК campaign, chooses its organisations and binds the operator;
3. the operator uploads the results (two organisations tie on the total);
4. the editor recomputes, checks the preview and sends it to the council;
5. a council member approves the results page in the council workflow;
6. the editor publishes;
7. anonymous visitors see the ranking with dense ranks, the card, the API,
   a search hit and the open-data file;
8. a corrected upload is recomputed and published as version 2 with a
   note; the card shows the note and a link to version 1 with the old figures.

Screenshots of the key screens go to ``artefacts_dir`` for the user guides.
"""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect
from wagtail.models import Site

from evaluation import roles
from evaluation.models import Campaign, CouncilDecision, Organisation
from publications.models import CampaignResultsPage
from tests.browser import save_guide_screenshot, save_screenshot
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.evaluation.test_imports import NOK_HEADER, nok_row, valid_inn
from tests.factories.browser_steps import add_campaign, admin_login, check_file
from tests.factories.install import rebuild_empty_install

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Trudny-parol-2025"

DISTRICTS = ("Ачинский район", "Канский район")
DISTRICT_SLUGS = ("achinskij", "kanskij")
COMPLEX = "Комплексный центр социального обслуживания"
HOME = "Дом-интернат"


def _variant(base: dict, **changes) -> dict:
    """A copy of a worked example with some inputs changed."""
    example = copy.deepcopy(base)
    for key, value in changes.items():
        if key.startswith("q"):
            example["yes"][key] = value
        else:
            example[key] = value
    return example


#: code → (short name, kind, district, operator's inputs). КЦСОН-3 and КЦСОН-4
#: have the same inputs, so they tie on the total.
ORGANISATIONS = {
    "K-1": ("КЦСОН «Ачинский»", COMPLEX, DISTRICTS[0], _variant(EXAMPLE_A)),
    "K-2": ("КЦСОН «Канский»", COMPLEX, DISTRICTS[1], _variant(EXAMPLE_B)),
    "K-3": ("КЦСОН «Назаровский»", COMPLEX, DISTRICTS[0], _variant(EXAMPLE_A, q1=190)),
    "K-4": ("КЦСОН «Уярский»", COMPLEX, DISTRICTS[1], _variant(EXAMPLE_A, q1=190)),
    "D-1": ("Дом-интернат «Ветеран»", HOME, DISTRICTS[0], _variant(EXAMPLE_B, q6=100)),
    "D-2": ("Дом-интернат «Забота»", HOME, DISTRICTS[1], _variant(EXAMPLE_A, remote_channels=1)),
    "D-3": ("Дом-интернат «Надежда»", HOME, DISTRICTS[0], _variant(EXAMPLE_B, comfort_conditions=2)),
    "D-4": ("Дом-интернат «Рассвет»", HOME, DISTRICTS[1], _variant(EXAMPLE_A, q10=150)),
}  # fmt: skip
INN = {code: valid_inn(100 + n) for n, code in enumerate(ORGANISATIONS)}
#: The operator's correction: КЦСОН «Назаровский» had miscounted question 1.
CORRECTED = {"K-3": _variant(EXAMPLE_A, q1=200)}

#: The published ranking, version 1: (place, short name, total), by place.
RANKING_V1 = [
    ("1", "КЦСОН «Ачинский»", "89,28"),
    ("2", "КЦСОН «Назаровский»", "89,08"),
    ("2", "КЦСОН «Уярский»", "89,08"),
    ("3", "КЦСОН «Канский»", "88,01"),
    ("4", "Дом-интернат «Рассвет»", "87,52"),
    ("5", "Дом-интернат «Ветеран»", "86,96"),
    ("6", "Дом-интернат «Забота»", "85,68"),
    ("7", "Дом-интернат «Надежда»", "84,41"),
]
RANKING_V2 = [
    ("1", "КЦСОН «Ачинский»", "89,28"),
    ("2", "КЦСОН «Уярский»", "89,08"),
    ("3", "КЦСОН «Назаровский»", "88,90"),
    ("4", "КЦСОН «Канский»", "88,01"),
    ("5", "Дом-интернат «Рассвет»", "87,52"),
    ("6", "Дом-интернат «Ветеран»", "86,96"),
    ("7", "Дом-интернат «Забота»", "85,68"),
    ("8", "Дом-интернат «Надежда»", "84,41"),
]
CORRECTION_NOTE = "Оператор исправил число ответов «да» на вопрос 1 КЦСОН «Назаровский»"


# ---------------------------------------------------------------- the empty site


@pytest.fixture
def empty_install() -> Site:
    """What ``migrate`` leaves in a new database, rebuilt after the flush."""
    site = rebuild_empty_install()
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    assert not Organisation.objects.exists() and not Campaign.objects.exists()
    return site


# ---------------------------------------------------------------- files


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_file() -> bytes:
    """The register of organisations as a ministry keeps it."""
    header = ["ИНН", "Полное наименование", "Краткое наименование",
              "Вид организации", "Район", "Код организации", "Получателей услуг"]  # fmt: skip
    rows = [
        [INN[code], f"Краевое государственное учреждение {name}", name, kind,
         district, code, 300 + n]
        for n, (code, (name, kind, district, _inputs)) in enumerate(ORGANISATIONS.items())
    ]  # fmt: skip
    return _xlsx([header, *rows])


def results_file(corrections: dict | None = None) -> bytes:
    """The operator's results: one row of indicator inputs per organisation."""
    inputs = {code: row[3] for code, row in ORGANISATIONS.items()}
    inputs.update(corrections or {})
    return _xlsx([NOK_HEADER, *(nok_row(INN[c], inputs[c]) for c in ORGANISATIONS)])


# ---------------------------------------------------------------- browser steps


login = admin_login(PASSWORD)


def create_user(
    page, live_server, username: str, name: str, group: str, password: str = PASSWORD
) -> None:
    """The administrator adds a user in «Пользователи» and gives the role's group."""
    page.goto(f"{live_server.url}{reverse('wagtailusers_users:add')}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=email]").fill(f"{username}@minsoc.example.ru")
    first, last = name.split()
    page.locator("input[name=first_name]").fill(first)
    page.locator("input[name=last_name]").fill(last)
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("#tab-label-roles").click()
    page.get_by_label(group, exact=True).check()
    page.get_by_role("button", name="Создать").click()
    expect(page.locator(".messages")).to_contain_text(username)


def upload(page, live_server, form: str, path, campaign: Campaign | None = None):
    """Upload a file on «Загрузка файла», check it and confirm the import."""
    check_file(page, live_server, form, path, campaign)
    expect(page.get_by_text(f"Импорт: {path.name}").first).to_be_visible()


def lifecycle_action(page, live_server, campaign: Campaign, label: str) -> None:
    page.goto(
        f"{live_server.url}{reverse('qp_campaign_lifecycle', args=[campaign.pk])}"
    )
    page.get_by_role("button", name=label, exact=True).click()


def public_ranking(page) -> list[tuple[str, str, str]]:
    """(place, short name, total) of the public rating table, top to bottom."""
    return [
        (row[0], row[1], row[3])
        for row in table_rows(page, "table.data-table tbody tr")
    ]


def card_figure(page, label: str):
    """The figure under a label of the organisation card («Итоговый балл»)."""
    return page.locator(".card", has_text=label).locator(".score")


def api_items(data) -> list[dict]:
    return data["results"] if isinstance(data, dict) else data


def api_ranking(data) -> set[tuple[str, str, str]]:
    """(place, short name, total) of the results API's items."""
    return {
        (str(item["rank"]), item["organisation"]["short_name"], item["total"])
        for item in api_items(data)
    }


def open_data_rows(content: bytes) -> list[dict[str, str]]:
    """The rows of an open-data CSV, keyed by the column titles."""
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def table_rows(page, selector: str = "table tbody tr") -> list[list[str]]:
    """The cells of a table's body rows as the visitor reads them."""
    page.wait_for_load_state()
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in row]
        for row in page.locator(selector).evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
        )
    ]


# ---------------------------------------------------------------- the test


def test_a_nok_campaign_from_an_empty_install_through_the_admin(
    empty_install, browser_page, live_server, django_user_model, artefacts_dir, tmp_path
) -> None:
    page = browser_page
    base = live_server.url
    django_user_model.objects.create_superuser("admin", "admin@example.ru", PASSWORD)

    # 1. The administrator creates one user per role.
    login(page, live_server, "admin")
    expect(page.get_by_text("Загрузите реестр организаций")).to_be_visible()
    save_screenshot(page, artefacts_dir, "01-admin-start-here")
    save_guide_screenshot(page, "admin-start-here")
    create_user(page, live_server, "redaktor", "Анна Редакторова", roles.EDITOR)
    create_user(page, live_server, "operator", "Олег Операторов", roles.OPERATOR)
    create_user(page, live_server, "sovet", "Светлана Советова", roles.COUNCIL)
    save_screenshot(page, artefacts_dir, "02-admin-users")
    save_guide_screenshot(page, "admin-users")
    for username, role in [
        ("redaktor", roles.EDITOR),
        ("operator", roles.OPERATOR),
        ("sovet", roles.COUNCIL),
    ]:
        user = django_user_model.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not user.is_superuser

    # 2. The editor fills the districts, imports the register, creates the
    # campaign, chooses its organisations and binds the operator.
    login(page, live_server, "redaktor")
    # «С чего начать» leads the way: districts first, then the register.
    expect(page.get_by_text("Выполнено шагов: 0 из 4")).to_be_visible()
    page.get_by_role("link", name="Добавить район").click()
    for name, slug in zip(DISTRICTS, DISTRICT_SLUGS, strict=True):
        if name != DISTRICTS[0]:
            page.goto(f"{base}{reverse('district:add')}")
        page.get_by_label("Название").fill(name)
        page.get_by_label("Код для адреса").fill(slug)
        page.get_by_role("button", name="Создать").click()
        expect(page.locator(".messages")).to_contain_text(name)
    register = tmp_path / "reestr.xlsx"
    register.write_bytes(register_file())
    upload(page, live_server, "organisations", register)
    save_screenshot(page, artefacts_dir, "03-editor-register-preview")
    save_guide_screenshot(page, "editor-register-preview")
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Загружено: новых 8")).to_be_visible()
    assert Organisation.objects.count() == 8

    campaign = add_campaign(
        page,
        live_server,
        "Независимая оценка качества (НОК)",
        2025,
        "НОК 2025",
        "nok-2025",
        "01.03.2025",
        "31.10.2025",
    )

    page.goto(f"{base}{reverse('qp_campaign_organisations', args=[campaign.pk])}")
    page.get_by_label(COMPLEX).check()
    page.get_by_label(HOME, exact=True).check()
    page.get_by_role("button", name="Применить").click()
    expect(
        page.get_by_text("Добавлено организаций: 8. Всего в кампании: 8.")
    ).to_be_visible()
    save_screenshot(page, artefacts_dir, "04-editor-campaign-organisations")
    save_guide_screenshot(page, "nok-campaign-organisations")

    page.goto(f"{base}{reverse('qp_campaign_lifecycle', args=[campaign.pk])}")
    page.get_by_label("Олег Операторов (operator@minsoc.example.ru)").check()
    page.get_by_role("button", name="Сохранить операторов").click()
    expect(page.get_by_text("Операторов кампании: 1.")).to_be_visible()
    page.get_by_role("button", name="Начать сбор данных").click()
    expect(page.get_by_text("Сбор данных начат.")).to_be_visible()
    expect(page.get_by_role("heading", name="Стадия: Сбор данных")).to_be_visible()
    save_screenshot(page, artefacts_dir, "05-editor-campaign-collecting")
    save_guide_screenshot(page, "nok-campaign-collecting")
    assert [u.username for u in campaign.operators.all()] == ["operator"]

    # 3. The operator uploads the results.
    login(page, live_server, "operator")
    results = tmp_path / "rezultaty-operatora.xlsx"
    results.write_bytes(results_file())
    upload(page, live_server, "nok_results", results, campaign)
    save_screenshot(page, artefacts_dir, "06-operator-results-preview")
    save_guide_screenshot(page, "operator-results-preview")
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Загружено: новых 8")).to_be_visible()
    save_guide_screenshot(page, "operator-results-loaded")

    # 4. The editor recomputes, checks the preview and sends it to the council.
    login(page, live_server, "redaktor")
    lifecycle_action(page, live_server, campaign, "Пересчитать")
    expect(page.get_by_text("Результаты пересчитаны: организаций 8")).to_be_visible()
    expect(page.get_by_text("Опубликованной версии ещё нет")).to_be_visible()
    save_screenshot(page, artefacts_dir, "07-editor-preview")
    save_guide_screenshot(page, "nok-recompute-preview")
    preview = table_rows(page, "table.listing tbody tr")
    assert [(row[3], row[0], row[2], row[1]) for row in preview] == [
        (place, name, total, "добавлена") for place, name, total in RANKING_V1
    ], preview
    lifecycle_action(page, live_server, campaign, "Направить в общественный совет")
    expect(
        page.get_by_role("heading", name="Стадия: На рассмотрении общественного совета")
    ).to_be_visible()

    # 5. A council member approves the results page in the council workflow.
    login(page, live_server, "sovet")
    page.goto(f"{base}/admin/council-queue/")
    row = page.locator("table tbody tr", has_text="Результаты: НОК 2025")
    expect(row).to_have_count(1)
    save_screenshot(page, artefacts_dir, "08-council-queue")
    save_guide_screenshot(page, "council-queue")
    row.get_by_role("link").first.click()
    page.get_by_role("button", name="Больше действий").click()
    with page.expect_navigation():
        page.get_by_role(
            "button", name=re.compile("^Одобрить( и опубликовать)?$", re.I)
        ).click()
    # Back in the queue, which is empty now (not refused the page tree).
    expect(page).to_have_url(f"{base}/admin/council-queue/")
    expect(page.get_by_text("Очередь пуста")).to_be_visible()
    expect(page.get_by_text("нет доступа")).to_have_count(0)
    save_screenshot(page, artefacts_dir, "09-council-approved")
    save_guide_screenshot(page, "council-queue-empty")
    decision = CouncilDecision.objects.get(campaign=campaign)
    assert "Результаты: НОК 2025" in decision.title

    # 6. The editor publishes.
    login(page, live_server, "redaktor")
    lifecycle_action(page, live_server, campaign, "Опубликовать")
    expect(page.get_by_text("Результаты опубликованы. Версия 1.")).to_be_visible()
    save_screenshot(page, artefacts_dir, "10-editor-published")
    save_guide_screenshot(page, "nok-published")
    assert campaign.publications.count() == 1

    # 7. Anonymous visitors: the ranking with a tie, the card, the API, search
    # and the open-data file.
    page.context.clear_cookies()
    results_page = CampaignResultsPage.objects.get(campaign=campaign)
    assert results_page.live
    page.goto(f"{base}/")
    page.get_by_role("link", name="Независимая оценка качества").first.click()
    page.get_by_role("link", name=results_page.title).first.click()
    expect(page).to_have_url(f"{base}{results_page.url}")
    assert public_ranking(page) == RANKING_V1
    expect(page.get_by_text("Версия публикации 1 от")).to_have_count(2)
    save_screenshot(page, artefacts_dir, "11-public-ranking")
    save_guide_screenshot(page, "public-ranking")

    page.get_by_role("link", name="КЦСОН «Назаровский»", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("КЦСОН «Назаровский»")
    expect(card_figure(page, "Итоговый балл")).to_have_text("89,08")
    expect(card_figure(page, "Место в рейтинге")).to_have_text("2")
    save_screenshot(page, artefacts_dir, "12-public-card")
    card_url = page.url

    api = page.request.get(f"{base}/api/v1/results/?campaign=nok-2025")
    assert api.ok and api.headers["content-type"].startswith("application/json")
    assert api_ranking(api.json()) == {
        (place, name, total.replace(",", ".")) for place, name, total in RANKING_V1
    }

    page.goto(f"{base}/")
    page.get_by_role("searchbox").first.fill("назаровский")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    hit = page.get_by_role(
        "link", name="Краевое государственное учреждение КЦСОН «Назаровский»"
    )
    expect(hit).to_be_visible()
    expect(page.get_by_text("итоговый балл 89,08 (НОК 2025)")).to_be_visible()
    save_screenshot(page, artefacts_dir, "13-public-search")
    assert hit.get_attribute("href") in card_url

    page.goto(f"{base}{results_page.url}")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).first.click()
    rows = open_data_rows(download.value.path().read_bytes())
    assert len(rows) == 8
    row = next(r for r in rows if r["Организация"] == "КЦСОН «Уярский»")
    assert (
        row["Место"],
        row["Итоговый балл"],
        row["Район"],
        row["Версия публикации"],
    ) == ("2", "89,08", "Канский район", "1"), row
    assert sorted((r["Место"], r["Организация"]) for r in rows) == sorted(
        (place, name) for place, name, _total in RANKING_V1
    )

    # 8. A corrected upload, recomputed and published with a note.
    login(page, live_server, "operator")
    corrected = tmp_path / "rezultaty-operatora-ispravleno.xlsx"
    corrected.write_bytes(results_file(CORRECTED))
    upload(page, live_server, "nok_results", corrected, campaign)
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Загружено: новых 0, изменено 1")).to_be_visible()

    login(page, live_server, "redaktor")
    lifecycle_action(page, live_server, campaign, "Пересчитать")
    expect(page.get_by_text("Сравнение с опубликованной версией 1 от")).to_be_visible()
    page.get_by_role("link", name="Показать только изменения").click()
    expect(page).to_have_url(re.compile(r"\?changed=1$"))
    changes = table_rows(page, "table.listing tbody tr")
    assert changes == [
        ["КЦСОН «Назаровский»", "изменена", "89,08 → 88,90", "2 → 3",
         "90,00 → 89,10", "89,60", "74,60", "97,00", "94,20"],
        ["КЦСОН «Канский»", "изменена", "88,01", "3 → 4",
         "89,07", "92,87", "74,29", "95,91", "87,91"],
        ["Дом-интернат «Рассвет»", "изменена", "87,52", "4 → 5",
         "91,00", "89,60", "74,60", "88,20", "94,20"],
        ["Дом-интернат «Ветеран»", "изменена", "86,96", "5 → 6",
         "89,07", "87,62", "74,29", "95,91", "87,91"],
        ["Дом-интернат «Забота»", "изменена", "85,68", "6 → 7",
         "73,00", "89,60", "74,60", "97,00", "94,20"],
        ["Дом-интернат «Надежда»", "изменена", "84,41", "7 → 8",
         "89,07", "74,87", "74,29", "95,91", "87,91"],
    ], changes  # fmt: skip
    save_screenshot(page, artefacts_dir, "14-editor-correction-diff")
    save_guide_screenshot(page, "nok-correction-diff")
    page.goto(f"{base}{reverse('qp_campaign_lifecycle', args=[campaign.pk])}")
    page.get_by_label("Что исправлено (публичное примечание)").fill(CORRECTION_NOTE)
    page.get_by_role("button", name="Опубликовать исправление").click()
    expect(
        page.get_by_text("Исправленная версия опубликована. Версия 2.")
    ).to_be_visible()
    save_screenshot(page, artefacts_dir, "15-editor-corrected")
    save_guide_screenshot(page, "nok-correction-published")

    page.context.clear_cookies()
    page.goto(card_url)
    expect(card_figure(page, "Итоговый балл")).to_have_text("88,90")
    expect(card_figure(page, "Место в рейтинге")).to_have_text("3")
    version = page.locator("p.muted", has_text="Версия публикации 2 от")
    expect(version).to_contain_text(f"{CORRECTION_NOTE}.")
    save_screenshot(page, artefacts_dir, "16-public-card-version-2")
    version.get_by_role("link", name="версия 1").click()
    expect(page).to_have_url(re.compile(r"\?version=1$"))
    expect(page.locator("p.muted", has_text="Версия публикации 1 от")).to_contain_text(
        "Это прежняя версия: её заменила исправленная версия 2"
    )
    expect(card_figure(page, "Итоговый балл")).to_have_text("89,08")
    expect(card_figure(page, "Место в рейтинге")).to_have_text("2")
    save_screenshot(page, artefacts_dir, "17-public-version-1")
    old = page.request.get(
        f"{base}/api/v1/results/",
        params={"campaign": campaign.slug, "version": "1", "page_size": "50"},
        headers={"Accept": "application/json"},
    ).json()
    assert ("2", "КЦСОН «Назаровский»", "89.08") in api_ranking(old)
    assert {row["publication_version"] for row in api_items(old)} == {1}

    page.goto(f"{base}{results_page.url}")
    assert public_ranking(page) == RANKING_V2
    page.goto(f"{base}/search/?q=назаровский")
    expect(page.get_by_text("итоговый балл 88,90 (НОК 2025)")).to_be_visible()
