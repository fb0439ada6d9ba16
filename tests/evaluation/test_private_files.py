"""Private files: random names outside the public media URL, served by policy.

Uploaded spreadsheets, owed documents, evidence, objections' attachments,
note images and documents under review are not public files. Each role gets
exactly the files the roles policy lets it read (a table of who reads what),
everyone else a 404, as for a file that does not exist.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import override_settings

from evaluation import files, roles
from evaluation.enums import PlanStatus, SubmissionKind
from evaluation.models import (
    CouncilDecision,
    ExplanatoryNote,
    ImportRecord,
    ImprovementPlan,
    Measure,
    MeasureReport,
    NoteAttachment,
    Objection,
    Submission,
)
from publications.models import ReviewDocument
from publications.models.review import ReviewKind
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ALL = {"anonymous", "institution", "other_institution", "operator", "council"}
ALL |= {"editor", "superuser"}
STAFF = {"editor", "superuser"}

#: File → the users who may download it; everybody else gets a 404.
READERS = {
    "import": {"institution", "operator"} | STAFF,
    "submission": {"institution", "operator", "council"} | STAFF,
    "evidence": {"institution", "operator", "council"} | STAFF,
    "objection": {"institution", "council"} | STAFF,
    "note_image": {"institution", "council"} | STAFF,
    "gallery_image": ALL,
    "review_draft": {"institution", "council"} | STAFF,
    "review_approved": ALL,
}


def _file(field, name: str, content: bytes = b"content") -> str:
    field.save(name, ContentFile(content), save=True)
    return field.name


@pytest.fixture
def world(django_user_model):
    own, other = OrganisationFactory(), OrganisationFactory()
    campaign = DecadeCampaignFactory(organisations=[own, other])

    def user(name: str, group: str | None = None, **extra):
        account = django_user_model.objects.create_user(name, password="pw", **extra)
        if group:
            account.groups.add(Group.objects.get(name=group))
        return account

    users = {
        "institution": user("inst", roles.INSTITUTION),
        "other_institution": user("other", roles.INSTITUTION),
        "operator": user("operator", roles.OPERATOR),
        "council": user("council", roles.COUNCIL),
        "editor": user("editor", roles.EDITOR),
        "superuser": user("root", is_superuser=True, is_staff=True),
    }
    own.users.add(users["institution"])
    other.users.add(users["other_institution"])
    campaign.operators.add(users["operator"])

    record = ImportRecord(
        form="plans",
        campaign=campaign,
        organisation=own,
        user=users["institution"],
        filename="План ГБУ.xlsx",
    )
    submission = Submission(
        campaign=campaign,
        organisation=own,
        kind=SubmissionKind.DECADE_SUMMARY,
        deadline=date(2024, 5, 6),
    )
    plan = ImprovementPlan.objects.create(
        organisation=own, campaign=campaign, year=2024, status=PlanStatus.APPROVED
    )
    measure = Measure.objects.create(
        plan=plan,
        deficiency="Нет пандуса",
        action="Установить пандус",
        planned_date=date(2024, 12, 1),
        responsible_name="Иванова И. И.",
        responsible_position="директор",
    )
    report = MeasureReport(measure=measure, done="Установлен", actual_date=date.today())
    objection = Objection(campaign=campaign, organisation=own, text="Не согласны")
    note = ExplanatoryNote.objects.create(campaign=campaign, organisation=own)

    def image(public: bool) -> NoteAttachment:
        attachment = NoteAttachment(
            note=note,
            width=1,
            height=1,
            caption="Рисунок",
            alt_text="Дом",
            is_public=public,
        )
        _file(attachment.image, "drawing.png", b"\x89PNG")
        return attachment

    draft = ReviewDocument(
        title="План",
        kind=ReviewKind.PLAN,
        organisation=own,
        campaign=campaign,
        author=users["institution"],
        live=False,
    )
    decision = CouncilDecision.objects.create(
        number="1/2024",
        decided_on=date(2024, 6, 1),
        title="Об утверждении плана",
        campaign=campaign,
        organisation=own,
        is_published=True,
    )
    approved = ReviewDocument(
        title="План утверждённый",
        kind=ReviewKind.PLAN,
        organisation=own,
        campaign=campaign,
        live=True,
        decision=decision,
    )
    names = {
        "import": _file(record.file, "План ГБУ.xlsx"),
        "submission": _file(submission.file, "сводная.xlsx"),
        "evidence": _file(report.evidence, "акт.pdf"),
        "objection": _file(objection.attachment, "возражение.docx"),
        "note_image": image(public=False).image.name,
        "gallery_image": image(public=True).image.name,
        "review_draft": _file(draft.file, "план.pdf"),
        "review_approved": _file(approved.file, "план утверждён.pdf"),
    }
    return {"users": users, "names": names, "record": record}


def test_names_are_random_and_outside_the_public_media(world) -> None:
    names = world["names"]
    for kind, name in names.items():
        folder, year, leaf = name.split("/")
        assert folder in files.owners(), kind
        assert year.isdigit()
        stem, _dot, _suffix = leaf.partition(".")
        assert len(stem) == 32 and int(stem, 16) >= 0, name
        assert not (Path(settings.MEDIA_ROOT) / name).exists()
        assert (Path(settings.QP_PRIVATE_ROOT) / name).exists()
    assert names["import"].endswith(".xlsx")
    assert "ГБУ" not in names["import"]
    assert world["record"].file.url == "/files/" + names["import"]
    assert not str(Path(settings.QP_PRIVATE_ROOT)).startswith(settings.MEDIA_ROOT)


@pytest.mark.parametrize("who", sorted(ALL))
@pytest.mark.parametrize("kind", sorted(READERS))
def test_each_role_reads_exactly_the_files_its_policy_allows(
    client, world, who, kind
) -> None:
    if who != "anonymous":
        client.force_login(world["users"][who])
    response = client.get("/files/" + world["names"][kind])
    if who in READERS[kind]:
        assert response.status_code == 200, (who, kind)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content)
    else:
        assert response.status_code == 404, (who, kind)


def test_download_keeps_the_uploaders_file_name(client, world) -> None:
    client.force_login(world["users"]["editor"])
    response = client.get("/files/" + world["names"]["import"])
    assert (
        "filename*=utf-8''%D0%9F%D0%BB%D0%B0%D0%BD" in response["Content-Disposition"]
    )
    assert response["Cache-Control"] == "private"


@pytest.mark.parametrize(
    "path",
    [
        "imports/2024/0000000000000000000000000000ffff.xlsx",  # no such row
        "unknown/2024/x.txt",  # nobody registered the folder
        "../settings.py",
        "imports/../../etc/passwd",
    ],
)
def test_unknown_and_traversing_names_are_404_even_for_a_superuser(
    client, world, path
) -> None:
    client.force_login(world["users"]["superuser"])
    assert client.get("/files/" + path).status_code == 404


def test_the_old_public_media_address_serves_nothing(client, world) -> None:
    assert client.get("/media/" + world["names"]["import"]).status_code == 404


def test_nginx_gets_the_transfer_when_accel_is_configured(client, world) -> None:
    client.force_login(world["users"]["editor"])
    name = world["names"]["submission"]
    with override_settings(QP_PRIVATE_FILES_ACCEL="/_private/"):
        response = client.get("/files/" + name)
        denied = client.get("/files/" + world["names"]["import"] + "x")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private/" + name
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert denied.status_code == 404 and "X-Accel-Redirect" not in denied


def test_the_migration_moves_public_files_to_random_private_names(
    world, settings
) -> None:
    from django.apps import apps
    from django.core.files.storage import storages

    public = storages["default"]
    old_name = public.save("imports/2024/05/План ГБУ.xlsx", ContentFile(b"old"))
    record = world["record"]
    ImportRecord.objects.filter(pk=record.pk).update(file=old_name)

    moved = files.move_public_files(
        apps, "qp_evaluation.ImportRecord", "file", "imports"
    )

    assert moved == 1
    record.refresh_from_db()
    assert record.file.name != old_name and "ГБУ" not in record.file.name
    assert not public.exists(old_name)
    with files.private_storage().open(record.file.name) as moved_file:
        assert moved_file.read() == b"old"
    # A second run finds nothing left to move.
    assert (
        files.move_public_files(apps, "qp_evaluation.ImportRecord", "file", "imports")
        == 0
    )
