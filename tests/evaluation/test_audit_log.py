"""Audit events appear in Wagtail's audit log; permission changes are audited."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.log_actions import LogContext
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from evaluation import audit, roles
from evaluation.imports.engine import import_file
from evaluation.models import AuditEvent, Campaign, ImportRecord, Organisation
from evaluation.nok import services
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.evaluation.test_imports import (  # noqa: F401  (the region fixture)
    INN_A,
    INN_B,
    NOK_HEADER,
    csv_bytes,
    nok_row,
    region,
)

pytestmark = pytest.mark.django_db


def entries(action: str):
    return ModelLogEntry.objects.filter(action=action).order_by("pk")


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@x.org", "pw")


@pytest.fixture
def published(region, admin):  # noqa: F811
    """Import, recompute and publish a НОК campaign as ``admin``."""
    data = csv_bytes([NOK_HEADER, nok_row(INN_A, EXAMPLE_A), nok_row(INN_B, EXAMPLE_B)])
    report = import_file(
        "nok_results", data, "operator.csv", campaign=region["nok"], user=admin
    )
    assert report.ok, report.errors
    services.recompute_campaign(region["nok"], actor=admin)
    services.publish_campaign(region["nok"], actor=admin, note="Итоги 2024")
    return region["nok"]


def test_import_recompute_and_publish_are_in_wagtail_log(published, admin):
    (imported,) = entries("qp.import.apply")
    record = ImportRecord.objects.get()
    assert imported.content_type == ContentType.objects.get_for_model(ImportRecord)
    assert imported.object_id == str(record.pk)
    assert imported.user_id == admin.pk
    assert imported.message.startswith("Импорт «operator.csv»")
    (recomputed,) = entries("qp.recompute")
    (publication,) = entries("qp.publish")
    for entry in (recomputed, publication):
        assert entry.content_type == ContentType.objects.get_for_model(Campaign)
        assert entry.object_id == str(published.pk)
        assert entry.label == str(published)
        assert entry.user_id == admin.pk
    event = AuditEvent.objects.get(action="publish")
    assert publication.data["audit_event"] == event.pk
    assert publication.data["summary"] == event.summary
    assert log_registry.get_action_label("qp.publish") == "Публикация результатов"
    assert log_registry.get_action_label("qp.import.apply") == (
        "Загрузка файла (импорт)"
    )


def test_event_about_a_vanished_object_is_logged_against_itself():
    event = AuditEvent.objects.create(
        action="campaign.status",
        object_type="qp_evaluation.campaign",
        object_id="987654",
        summary="Кампания удалена до записи в журнал",
    )
    (entry,) = entries("qp.campaign.status")
    assert entry.content_type == ContentType.objects.get_for_model(AuditEvent)
    assert entry.object_id == str(event.pk)
    assert entry.label == "Кампания удалена до записи в журнал"
    assert entry.user is None


def test_unknown_action_is_logged_as_other_with_its_name(region):  # noqa: F811
    audit.record("brand.new", region["a"], "Новое действие", extra=1)
    (entry,) = entries("qp.other")
    assert entry.data["action"] == "brand.new"
    assert entry.data["details"] == {"extra": 1}
    assert entry.content_type == ContentType.objects.get_for_model(Organisation)
    assert entry.message == "Новое действие"


# ------------------------------------------------------------- permissions


def events(action: str) -> list[tuple[str, object]]:
    return [
        (event.summary, event.actor)
        for event in AuditEvent.objects.filter(action=action).order_by("pk")
    ]


def test_group_membership_changes_from_both_sides_name_the_actor(admin):
    editors = Group.objects.get_or_create(name=roles.EDITOR)[0]
    council = Group.objects.get_or_create(name=roles.COUNCIL)[0]
    ivan = get_user_model().objects.create_user("ivan", "ivan@x.org", "pw")
    with LogContext(user=admin):
        ivan.groups.add(editors, council)
        council.user_set.remove(ivan)
        ivan.groups.clear()
    ivan.groups.add(council)  # outside the admin: no actor
    assert events("permissions.groups") == [
        (
            "Пользователь «ivan»: добавлены группы «Общественный совет», «Редакторы»",
            admin,
        ),
        ("Пользователь «ivan»: удалены группы «Общественный совет»", admin),
        ("Пользователь «ivan»: удалены группы «Редакторы»", admin),
        ("Пользователь «ivan»: добавлены группы «Общественный совет»", None),
    ]
    logged = entries("qp.permissions.groups")
    assert [entry.user for entry in logged] == [admin, admin, admin, None]
    assert {entry.object_id for entry in logged} == {str(ivan.pk)}
    assert logged[0].content_type == ContentType.objects.get_for_model(ivan)


def test_group_permissions_and_bindings_are_audited(admin, region):  # noqa: F811
    group = Group.objects.get_or_create(name=roles.OPERATOR)[0]
    permission = Permission.objects.get(codename="import_any")
    olga = get_user_model().objects.create_user("olga", "olga@x.org", "pw")
    change = Permission.objects.get(codename="change_organisation")
    with LogContext(user=admin):
        group.permissions.add(permission, change)
        region["a"].users.add(olga)
        olga.qp_organisations.remove(region["a"])
        region["nok"].operators.add(olga)
        olga.user_permissions.add(permission)
    assert events("permissions.group") == [
        (
            f"Группа «{roles.OPERATOR}»: добавлены права «Может загружать данные "
            "любых организаций и кампаний», «изменение — организация»",
            admin,
        )
    ]
    assert events("permissions.organisation_users") == [
        ("Организация «КЦСОН А»: добавлены пользователи «olga»", admin),
        ("Организация «КЦСОН А»: удалены пользователи «olga»", admin),
    ]
    assert events("permissions.campaign_operators") == [
        ("Кампания «НОК 2024»: добавлены операторы «olga»", admin)
    ]
    assert events("permissions.user") == [
        (
            "Пользователь «olga»: добавлены права «Может загружать данные любых "
            "организаций и кампаний»",
            admin,
        )
    ]
    (bound, _unbound) = entries("qp.permissions.organisation_users")
    assert bound.object_id == str(region["a"].pk)
    assert log_registry.get_action_label("qp.permissions.organisation_users") == (
        "Изменены пользователи учреждения"
    )


def test_group_change_in_the_wagtail_admin_records_who_made_it(client, admin):
    editors = Group.objects.get_or_create(name=roles.EDITOR)[0]
    ivan = get_user_model().objects.create_user("ivan", "ivan@x.org", "pw")
    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[ivan.pk]),
        {
            "username": "ivan",
            "email": "ivan@x.org",
            "first_name": "Иван",
            "last_name": "Петров",
            "password1": "",
            "password2": "",
            "is_active": "on",
            "groups": [editors.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert events("permissions.groups") == [
        ("Пользователь «Иван Петров»: добавлены группы «Редакторы»", admin)
    ]


# ------------------------------------------------------------------ report


def test_site_history_report_filters_and_exports_our_entries(client, published, admin):
    client.force_login(admin)
    url = reverse("wagtailadmin_reports:site_history")
    soup = BeautifulSoup(
        client.get(url, {"action": "qp.publish"}).content, "html.parser"
    )
    rows = soup.select("table tbody tr")
    assert len(rows) == 1
    summary = AuditEvent.objects.get(action="publish").summary
    assert summary in " ".join(rows[0].get_text().split())
    everything = client.get(url, {"user": admin.pk}).content.decode()
    assert "Пересчёт результатов" in everything
    assert "Загрузка файла (импорт)" in everything
    nothing = client.get(
        url, {"action": "qp.publish", "timestamp_to": "2000-01-01"}
    ).content
    assert not BeautifulSoup(nothing, "html.parser").select("table tbody tr")

    response = client.get(url, {"action": "qp.recompute", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert "Пересчёт результатов" in rows[1]
    assert str(published) in rows[1]
    response = client.get(url, {"action": "qp.publish", "export": "xlsx"})
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    values = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert len(values) == 2
    assert "Публикация результатов" in values[1]


def test_report_menu_item_for_editors(client):
    editor = get_user_model().objects.create_user("ed", "ed@x.org", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    url = reverse("wagtailadmin_reports:site_history")
    assert url not in client.get(reverse("wagtailadmin_home")).text
    editor.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert url in home
