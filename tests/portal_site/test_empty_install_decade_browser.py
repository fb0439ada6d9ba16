"""Issue 21 acceptance: a Декада качества from an empty installation, in Chromium.

The database holds only what the migrations make (rebuilt after the
transactional flush: the site and its home page, the root collection, the
role groups). No demo loader, no region factory: the editor creates the
districts and imports the register of organisations in the admin, creates the
Декада and opens it; the owed documents appear in «Контроль сроков» with their
deadlines; an institution submits its summary (annex 2), its plan (annex 3)
and its explanatory note through its own screens, another institution's
summary arrives late and a third sends nothing. On frozen dates the tracker
shows received, late and missing. The editor downloads the consolidation,
recomputes, the council approves and the editor publishes. A register
imported afterwards with other numbers of recipients changes no published
figure.

The clock is frozen process-wide with ``time_machine`` (the live server runs
in another thread); the dates lie after the real date so the browser keeps
its session cookies.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect
from wagtail.models import Site

from evaluation import roles
from evaluation.models import Campaign, Organisation, SampleBase
from publications.campaign_pages import results_page_of
from tests.browser import save_guide_screenshot, save_screenshot
from tests.evaluation.test_imports import PLAN_HEADER, valid_inn
from tests.evaluation.test_obligations import SUMMARY_HEADER
from tests.factories.browser_steps import add_campaign, admin_login, upload
from tests.factories.install import rebuild_empty_install
from tests.portal_site.test_empty_install_nok_browser import create_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Trudny-parol-2027"
KRASNOYARSK = ZoneInfo("Asia/Krasnoyarsk")

DISTRICTS = (("Ачинский район", "achinskij"), ("Канский район", "kanskij"))
COMPLEX = "Комплексный центр социального обслуживания"
HOME = "Дом-интернат"

#: code → (short name, kind, district, recipients in the register).
ORGANISATIONS = {
    "K-1": ("КЦСОН «Ачинский»", COMPLEX, DISTRICTS[0][0], 100),
    "K-2": ("КЦСОН «Канский»", COMPLEX, DISTRICTS[1][0], 200),
    "D-1": ("Дом-интернат «Ветеран»", HOME, DISTRICTS[0][0], 50),
}
INN = {code: valid_inn(300 + n) for n, code in enumerate(ORGANISATIONS)}

DUE = "30.04.2027"  # 10 working days after the Декада of 5–16 April 2027 (§3.2.3)
SUMMARY, NOTE, PLAN, REPORT = (
    "Сводная информация о результатах опроса",
    "Пояснительная записка",
    "План мероприятий по повышению качества",
    "Отчёт о реализации плана",
)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=KRASNOYARSK)


@pytest.fixture
def empty_install() -> Site:
    """What ``migrate`` leaves in a new database, rebuilt after the flush."""
    site = rebuild_empty_install()
    assert not Organisation.objects.exists() and not Campaign.objects.exists()
    return site


def _xlsx(rows: list[list[object]], *, title_rows: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for n in range(title_rows):
        sheet.append([f"Заголовок {n + 1}"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_file(recipients: dict[str, int] | None = None) -> bytes:
    header = ["ИНН", "Полное наименование", "Краткое наименование",
              "Вид организации", "Район", "Код организации", "Получателей услуг"]  # fmt: skip
    counts = {code: row[3] for code, row in ORGANISATIONS.items()} | (recipients or {})
    rows = [
        [INN[code], f"Краевое государственное учреждение {name}", name, kind,
         district, code, counts[code]]
        for code, (name, kind, district, _count) in ORGANISATIONS.items()
    ]  # fmt: skip
    return _xlsx([header, *rows])


def summary_file(code: str, questionnaires: int, yes: int) -> bytes:
    """Annex 2 of one institution: every questionnaire taken in the office."""
    row = [INN[code], None, questionnaires, 0, questionnaires, 0, questionnaires, 0,
           *([yes] * 15)]  # fmt: skip
    return _xlsx([SUMMARY_HEADER, row])


def plan_file(code: str) -> bytes:
    row = [INN[code], 1, "1.1", "Мало сведений о графике приёма на стенде",
           "Дополнить стенд графиком приёма", "01.06.2027",
           "Иванова И. И., заместитель директора", None, None]  # fmt: skip
    return _xlsx([PLAN_HEADER, row], title_rows=2)


login = admin_login(PASSWORD)


def table_rows(page, selector: str) -> list[list[str]]:
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in row]
        for row in page.locator(selector).evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
        )
    ]


def tracker(page, live_server, campaign: Campaign) -> list[list[str]]:
    """«Контроль сроков» of the campaign: (organisation, document, due, received, state)."""
    page.goto(f"{live_server.url}{reverse('qp_tracker')}?campaign={campaign.pk}")
    rows = table_rows(page, "table:has(caption:text('Документы кампании')) tbody tr")
    return sorted(
        [row[0], row[2], row[3], row[4], row[5]] for row in rows if row[2] != REPORT
    )


def public_text(page, url: str) -> str:
    page.goto(url)
    return re.sub(r"\s+", " ", page.locator("main").inner_text()).strip()


def test_a_decade_from_an_empty_install_through_the_admin(
    empty_install, browser_page, live_server, django_user_model, artefacts_dir, tmp_path
) -> None:
    page = browser_page
    base = live_server.url
    files = tmp_path

    with time_machine.travel(at(dt.date(2027, 3, 29)), tick=True) as clock:
        # 0. Only the administrator exists; it adds one user per role.
        django_user_model.objects.create_superuser(
            "admin", "admin@minsoc.example.ru", PASSWORD
        )
        login(page, live_server, "admin")
        for username, name, group in (
            ("redaktor", "Раиса Редакторова", roles.EDITOR),
            ("kcson", "Ксения Кцсонова", roles.INSTITUTION),
            ("sovet", "Светлана Советова", roles.COUNCIL),
        ):
            create_user(page, live_server, username, name, group, password=PASSWORD)
        institution = django_user_model.objects.get(username="kcson")

        # 1. The editor fills the districts, imports the register, creates
        # the Декада with its organisations and opens it.
        login(page, live_server, "redaktor")
        for name, slug in DISTRICTS:
            page.goto(f"{base}{reverse('district:add')}")
            page.get_by_label("Название").fill(name)
            page.get_by_label("Код для адреса").fill(slug)
            page.get_by_role("button", name="Создать").click()
            expect(page.locator(".messages")).to_contain_text(name)
        (files / "reestr.xlsx").write_bytes(register_file())
        upload(page, live_server, "organisations", files / "reestr.xlsx")
        expect(page.get_by_text("Загружено: новых 3")).to_be_visible()
        assert dict(Organisation.objects.values_list("code", "recipients_count")) == {
            "K-1": 100,
            "K-2": 200,
            "D-1": 50,
        }
        # The editor binds the institution's user in the organisation's form.
        centre = Organisation.objects.get(code="K-1")
        page.goto(f"{base}{reverse('organisation:edit', args=[centre.pk])}")
        page.get_by_label("Ксения Кцсонова (kcson@minsoc.example.ru)").check()
        page.get_by_role("button", name="Сохранить").click()
        expect(page.locator(".messages")).to_contain_text(centre.short_name)
        assert list(centre.users.all()) == [institution]

        campaign = add_campaign(
            page,
            live_server,
            "Декада качества",
            2027,
            "Декада качества 2027",
            "dekada-2027",
            "05.04.2027",
            "16.04.2027",
        )

        page.goto(f"{base}{reverse('qp_campaign_organisations', args=[campaign.pk])}")
        page.get_by_label(COMPLEX).check()
        page.get_by_label(HOME, exact=True).check()
        page.get_by_role(
            "button", name=re.compile("Применить|Сохранить|Выполнить")
        ).click()
        expect(
            page.get_by_text("Добавлено организаций: 3. Всего в кампании: 3.")
        ).to_be_visible()
        page.goto(f"{base}{reverse('qp_campaign_lifecycle', args=[campaign.pk])}")
        page.get_by_role("button", name="Начать сбор данных").click()
        expect(page.get_by_text("Сбор данных начат.")).to_be_visible()

        # 2. Owed documents appear per organisation with their deadlines.
        owed = [
            [name, kind, DUE, "—", "Ожидается"]
            for name in sorted(row[0] for row in ORGANISATIONS.values())
            for kind in (SUMMARY, NOTE, PLAN)
        ]
        assert tracker(page, live_server, campaign) == sorted(owed)
        save_screenshot(page, artefacts_dir, "01-decade-opened-tracker")
        save_guide_screenshot(page, "decade-tracker-opened")

        # 3. Before the deadline the institution submits through its screens.
        clock.move_to(at(dt.date(2027, 4, 26)))
        login(page, live_server, "kcson")
        (files / "svod-k1.xlsx").write_bytes(summary_file("K-1", 35, 30))
        upload(page, live_server, "decade_summary", files / "svod-k1.xlsx", campaign)
        (files / "plan-k1.xlsx").write_bytes(plan_file("K-1"))
        upload(page, live_server, "improvement_plan", files / "plan-k1.xlsx", campaign)
        k1 = Organisation.objects.get(code="K-1")
        page.goto(f"{base}{reverse('qp_note_edit', args=[campaign.pk, k1.pk])}")
        page.get_by_role("button", name="Создать пояснительную записку").click()
        expect(page.get_by_text("Пояснительная записка создана.")).to_be_visible()
        page.get_by_label("Тема").select_option(label="Информирование")
        page.get_by_label("Замечание, пожелание").fill("Нет графика приёма на стенде")
        page.get_by_label("Сколько раз высказано").fill("3")
        page.get_by_label("Принятые меры").fill("График приёма размещён на стенде")
        page.get_by_role("button", name="Добавить").click()
        expect(page.get_by_text("Пункт добавлен.")).to_be_visible()
        page.get_by_role("button", name="Представить пояснительную записку").click()
        expect(page.get_by_text("Пояснительная записка представлена.")).to_be_visible()
        save_screenshot(page, artefacts_dir, "02-institution-note-submitted")
        save_guide_screenshot(page, "institution-note-submitted")

        # 4. After the deadline a second summary arrives late; the third
        # institution sends nothing.
        clock.move_to(at(dt.date(2027, 5, 12)))
        login(page, live_server, "redaktor")
        (files / "svod-k2.xlsx").write_bytes(summary_file("K-2", 50, 40))
        upload(page, live_server, "decade_summary", files / "svod-k2.xlsx", campaign)
        shown = tracker(page, live_server, campaign)
        late, missing = "С опозданием", "Не представлено (просрочено)"
        assert shown == [
            ["Дом-интернат «Ветеран»", PLAN, DUE, "—", missing],
            ["Дом-интернат «Ветеран»", NOTE, DUE, "—", missing],
            ["Дом-интернат «Ветеран»", SUMMARY, DUE, "—", missing],
            ["КЦСОН «Ачинский»", PLAN, DUE, "26.04.2027", "В срок"],
            ["КЦСОН «Ачинский»", NOTE, DUE, "26.04.2027", "В срок"],
            ["КЦСОН «Ачинский»", SUMMARY, DUE, "26.04.2027", "В срок"],
            ["КЦСОН «Канский»", PLAN, DUE, "—", missing],
            ["КЦСОН «Канский»", NOTE, DUE, "—", missing],
            ["КЦСОН «Канский»", SUMMARY, DUE, "12.05.2027", late],
        ]
        save_screenshot(page, artefacts_dir, "03-decade-tracker-late-and-missing")
        save_guide_screenshot(page, "decade-tracker-late")

        # 5. The РМЦ (an editor) downloads the consolidated summary.
        page.goto(f"{base}{reverse('qp_decade_consolidation')}")
        save_guide_screenshot(page, "decade-consolidation")
        with page.expect_download() as download:
            page.get_by_role(
                "link", name=f"Скачать XLSX: сводная информация, {campaign}"
            ).click()
        sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
        lines = {
            row[1]: row
            for row in sheet.iter_rows(values_only=True)
            if len(row) > 1 and row[1] in {v[0] for v in ORGANISATIONS.values()}
        }
        assert set(lines) == {v[0] for v in ORGANISATIONS.values()}
        assert "не представлено" in lines["Дом-интернат «Ветеран»"]
        assert "сводная информация" in lines["КЦСОН «Ачинский»"]

        # 6. Recompute, council, publish.
        page.goto(f"{base}{reverse('qp_campaign_lifecycle', args=[campaign.pk])}")
        page.get_by_role("button", name="Пересчитать", exact=True).click()
        expect(
            page.get_by_text("Результаты пересчитаны: организаций 3")
        ).to_be_visible()
        save_screenshot(page, artefacts_dir, "04-decade-preview")
        save_guide_screenshot(page, "decade-recompute-preview")
        page.goto(f"{base}{reverse('qp_campaign_lifecycle', args=[campaign.pk])}")
        page.get_by_role("button", name="Направить в общественный совет").click()
        expect(
            page.get_by_role(
                "heading", name="Стадия: На рассмотрении общественного совета"
            )
        ).to_be_visible()
        # A council member approves the results page from «Очередь совета».
        login(page, live_server, "sovet")
        page.goto(f"{base}/admin/council-queue/")
        row = page.locator("table tbody tr", has_text=campaign.title)
        expect(row).to_have_count(1)
        row.get_by_role("link").first.click()
        page.get_by_role("button", name="Больше действий").click()
        with page.expect_navigation():
            page.get_by_role(
                "button", name=re.compile("^Одобрить( и опубликовать)?$", re.I)
            ).click()
        expect(page).to_have_url(f"{base}/admin/council-queue/")
        expect(page.get_by_text("Очередь пуста")).to_be_visible()
        save_screenshot(page, artefacts_dir, "05-decade-council-approved")
        login(page, live_server, "redaktor")
        page.goto(f"{base}{reverse('qp_campaign_lifecycle', args=[campaign.pk])}")
        page.get_by_role("button", name="Опубликовать", exact=True).click()
        expect(page.get_by_text("Результаты опубликованы. Версия 1.")).to_be_visible()
        save_guide_screenshot(page, "decade-published")
        assert dict(
            SampleBase.objects.filter(campaign=campaign).values_list(
                "organisation__code", "base"
            )
        ) == {"K-1": 100, "K-2": 200, "D-1": 50}

        # 7. The public page; a new register changes no published figure.
        url = f"{base}{results_page_of(campaign).url}"
        page.context.clear_cookies()
        before = public_text(page, url)
        assert "КЦСОН «Ачинский»" in before and "КЦСОН «Канский»" in before
        assert "35,0" in before and "25,0" in before  # 35 of 100, 50 of 200
        save_screenshot(page, artefacts_dir, "05-decade-public")
        login(page, live_server, "redaktor")
        (files / "reestr-2.xlsx").write_bytes(
            register_file({"K-1": 1000, "K-2": 100, "D-1": 10})
        )
        upload(page, live_server, "organisations", files / "reestr-2.xlsx")
        expect(page.get_by_text("Загружено: новых 0, изменено 3")).to_be_visible()
        assert Organisation.objects.get(code="K-2").recipients_count == 100
        page.context.clear_cookies()
        assert public_text(page, url) == before
