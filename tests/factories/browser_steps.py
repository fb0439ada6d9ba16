"""Steps of the admin that the browser tests take again and again.

``login = admin_login(PASSWORD)`` gives a module its ``login(page, live_server,
username)``; :func:`submit_file`, :func:`check_file` and :func:`upload` go
through «Загрузка файла».
"""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from evaluation.enums import CampaignStatus
from evaluation.models import Campaign


def admin_login(password: str):
    """``login(page, live_server, username)`` for users with ``password``."""

    def login(page, live_server, username: str, password: str = password) -> None:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/admin/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("form button[type=submit]").click()
        expect(page).to_have_url(f"{live_server.url}/admin/")

    return login


def submit_file(page, live_server, form: str, path, campaign=None) -> None:
    """Choose the form (and campaign) and a file on «Загрузка файла», press «Проверить»."""
    page.goto(f"{live_server.url}{reverse('qp_import')}")
    page.get_by_label("Форма").select_option(form)
    if campaign is not None:
        page.get_by_label("Кампания").select_option(str(campaign.pk))
    page.get_by_label("Файл").set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()


def check_file(page, live_server, form: str, path, campaign=None) -> None:
    """Submit a file as :func:`submit_file` does; it passes the check (not loaded)."""
    submit_file(page, live_server, form, path, campaign)
    expect(page.get_by_text("Проверен, не загружен")).to_be_visible()


def upload(page, live_server, form: str, path, campaign=None) -> None:
    """Check a file as :func:`check_file` does, confirm and wait for the import."""
    check_file(page, live_server, form, path, campaign)
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text(re.compile(r"Загружено: новых \d+"))).to_be_visible()


def add_campaign(
    page, live_server, kind: str, year: int, title: str, slug: str, start: str, end: str
) -> Campaign:
    """Create a campaign on «Добавить кампанию»: ``kind`` is the label of «Вид»,
    ``start`` and ``end`` are typed as ``ДД.ММ.ГГГГ``; wait for the message.

    Returns the new campaign, checked to be a draft.
    """
    page.goto(f"{live_server.url}{reverse('campaign:add')}")
    page.get_by_label("Вид").select_option(label=kind)
    page.get_by_label("Год").fill(str(year))
    page.get_by_label("Название").fill(title)
    page.get_by_label("Код для адреса").fill(slug)
    page.get_by_label("Начало периода").fill(start)
    page.get_by_label("Окончание периода").fill(end)
    page.get_by_role("button", name="Создать").click()
    expect(page.locator(".messages")).to_be_visible()
    campaign = Campaign.objects.get(slug=slug)
    assert campaign.status == CampaignStatus.DRAFT
    return campaign
