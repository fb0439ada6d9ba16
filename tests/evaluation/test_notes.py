"""The explanatory note: themes, pre-filling from Q16, services and admin screens."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from evaluation import roles
from evaluation.decade import notes
from evaluation.enums import (
    OrganisationKind,
    SubmissionKind,
    SubmissionStatus,
    SurveyChannel,
)
from evaluation.models import (
    AuditEvent,
    District,
    ExplanatoryNote,
    NoteAttachment,
    NoteItem,
    NoteStatus,
    NoteTheme,
    OnlineSubmission,
    Organisation,
    Submission,
    SuggestionStatus,
    SurveyResponse,
)
from tests.factories.evaluation import DecadeCampaignFactory
from tests.factories.helpers import nok_campaign

# --------------------------------------------------------------------------
# Themes: pure


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Нужен пандус у входа", NoteTheme.CONDITIONS),
        ("Сделать ремонт в коридоре", NoteTheme.CONDITIONS),
        ("Спасибо сотрудникам за внимание", NoteTheme.STAFF),
        ("Разнообразить ПИТАНИЕ, больше фруктов", NoteTheme.FOOD),
        ("Больше экскурсий и праздников", NoteTheme.LEISURE),
        ("Обновить информацию на сайте", NoteTheme.INFORMATION),
        ("Всё хорошо", NoteTheme.OTHER),
        # Stems match at word starts: "еды" must not be found in "победы".
        ("Ко Дню Победы", NoteTheme.OTHER),
    ],
)
def test_classify(text, theme) -> None:
    assert notes.classify(text) == theme


def test_classify_with_configured_keywords(settings) -> None:
    settings.QP_EVALUATION = {"NOTE_THEME_KEYWORDS": {"leisure": ["шахмат"]}}
    assert notes.classify("Купить шахматы") == NoteTheme.LEISURE
    # The configured list replaces the default one of that theme only.
    assert notes.classify("Больше экскурсий") == NoteTheme.OTHER
    assert notes.classify("Нужен пандус") == NoteTheme.CONDITIONS


def test_unknown_theme_in_settings_is_refused(settings) -> None:
    settings.QP_EVALUATION = {"NOTE_THEME_KEYWORDS": {"sport": ["мяч"]}}
    with pytest.raises(notes.NoteError, match=r"Неизвестная тема.*sport"):
        notes.classify("мяч")


def test_group_suggestions_counts_repeats_and_orders_by_theme() -> None:
    grouped = notes.group_suggestions(
        [
            "Всё хорошо",
            "нужен  пандус",
            "Нужен пандус",
            "—",
            "",
            "Вкусное питание",
            "Нужен пандус ",
            "Больше экскурсий",
            "Отремонтировать крыльцо",
        ]
    )
    assert [(g.theme, g.text, g.count) for g in grouped] == [
        (NoteTheme.CONDITIONS, "нужен пандус", 3),
        (NoteTheme.FOOD, "Вкусное питание", 1),
        (NoteTheme.LEISURE, "Больше экскурсий", 1),
        (NoteTheme.OTHER, "Всё хорошо", 1),
        (NoteTheme.OTHER, "Отремонтировать крыльцо", 1),
    ]


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def world(db, django_user_model):
    district = District.objects.create(name="Ачинский район", slug="achinsk")

    def organisation(code, short_name):
        return Organisation.objects.create(
            name=short_name,
            short_name=short_name,
            slug=code.lower(),
            code=code,
            kind=OrganisationKind.COMPLEX_CENTRE,
            district=district,
        )

    own = organisation("KC-1", "КЦСОН «Ачинский»")
    other = organisation("KC-2", "КЦСОН «Назаровский»")
    campaign = DecadeCampaignFactory(organisations=[own, other])
    institution = Group.objects.get_or_create(name=roles.INSTITUTION)[0]
    editors = Group.objects.get_or_create(name=roles.EDITOR)[0]
    access = Permission.objects.get(codename="access_admin")

    def user(name, group, organisation=None):
        account = django_user_model.objects.create_user(name, password="pw")
        account.groups.add(group)
        account.user_permissions.add(access)
        if organisation is not None:
            organisation.users.add(account)
        return account

    return {
        "campaign": campaign,
        "own": own,
        "other": other,
        "institution_user": user("achinsk", institution, own),
        "other_user": user("nazarovo", institution, other),
        "editor": user("editor", editors),
    }


def response(campaign, organisation, suggestion, number, **fields):
    return SurveyResponse.objects.create(
        campaign=campaign,
        organisation=organisation,
        number=str(number),
        answers={},
        suggestion=suggestion,
        channel=fields.pop("channel", SurveyChannel.OFFICE),
        collected_on=date(2024, 4, 10),
        **fields,
    )


def online(resp, status):
    return OnlineSubmission.objects.create(
        response=resp,
        campaign=resp.campaign,
        organisation=resp.organisation,
        question_set="675n/1",
        nonce=f"n{resp.pk}",
        fingerprint="f",
        fill_seconds=60,
        suggestion_status=status,
        created_at=timezone.now(),
    )


# --------------------------------------------------------------------------
# Pre-filling


def test_prefill_uses_paper_and_approved_online_suggestions_only(world) -> None:
    campaign, own, user = world["campaign"], world["own"], world["institution_user"]
    response(campaign, own, "Нужен пандус у входа", 1)
    response(campaign, own, "нужен пандус у входа", 2)
    response(campaign, own, "Больше экскурсий", 3)
    response(campaign, own, "Исключённая: грубый персонал", 4, excluded=True)
    response(campaign, own, "Чужая территория: питание", 5, external_territorial=True)
    online(
        response(campaign, own, "Нужен пандус у входа", 6, channel="online_form"),
        SuggestionStatus.APPROVED,
    )
    online(
        response(campaign, own, "Ругательство на модерации", 7, channel="online_form"),
        SuggestionStatus.PENDING,
    )
    online(
        response(campaign, own, "Отклонённый спам про сайт", 8, channel="online_form"),
        SuggestionStatus.REJECTED,
    )
    response(campaign, world["other"], "Чужая организация: ремонт", 9)

    note = notes.open_note(campaign, own, user)
    report = notes.prefill_note(note, user)

    assert (report.added, report.updated) == (2, 0)
    items = [
        (i.theme, i.text, i.count, i.source) for i in note.items.order_by("position")
    ]
    assert items == [
        (NoteTheme.CONDITIONS, "Нужен пандус у входа", 3, "suggestions"),
        (NoteTheme.LEISURE, "Больше экскурсий", 1, "suggestions"),
    ]
    assert AuditEvent.objects.filter(action="note.prefill", actor=user).count() == 1


def test_prefill_again_refreshes_counts_and_keeps_the_institutions_work(world) -> None:
    campaign, own, user = world["campaign"], world["own"], world["institution_user"]
    response(campaign, own, "Нужен пандус", 1)
    note = notes.open_note(campaign, own, user)
    notes.prefill_note(note, user)
    item = note.items.get()
    notes.save_item(
        note,
        user,
        item=item,
        theme=NoteTheme.CONDITIONS,
        text=item.text,
        count=item.count,
        response="Пандус установлен 15.05.2024",
    )
    response(campaign, own, "нужен   пандус", 2)
    response(campaign, own, "Вкусная еда", 3)

    report = notes.prefill_note(note, user)

    assert (report.added, report.updated) == (1, 1)
    item.refresh_from_db()
    assert (item.count, item.response) == (2, "Пандус установлен 15.05.2024")
    assert note.items.count() == 2


# --------------------------------------------------------------------------
# Services: scope, states


def test_other_organisations_user_cannot_open_or_change_the_note(world) -> None:
    campaign, own = world["campaign"], world["own"]
    note = notes.open_note(campaign, own, world["institution_user"])
    with pytest.raises(notes.NoteError, match="Нет доступа"):
        notes.open_note(campaign, own, world["other_user"])
    with pytest.raises(notes.NoteError, match="Нет доступа"):
        notes.save_item(note, world["other_user"], theme="other", text="Взлом")
    assert not note.items.exists()
    assert set(notes.notes_visible_to(world["other_user"])) == set()
    assert set(notes.notes_visible_to(world["editor"])) == {note}


def test_note_only_for_a_decade_and_a_participant(world) -> None:
    editor = world["editor"]
    nok = nok_campaign(2024, world["own"])
    with pytest.raises(notes.NoteError, match="только по Декаде"):
        notes.open_note(nok, world["own"], editor)
    outsider = Organisation.objects.create(
        name="Дом-интернат",
        short_name="Дом-интернат",
        slug="home",
        code="DI-1",
        kind=OrganisationKind.RESIDENTIAL_HOME,
        district=world["own"].district,
    )
    with pytest.raises(notes.NoteError, match="не участвует"):
        notes.open_note(world["campaign"], outsider, editor)


def test_submit_requires_items_and_responses_then_locks_the_note(world) -> None:
    campaign, own, user = world["campaign"], world["own"], world["institution_user"]
    submission = Submission.objects.create(
        campaign=campaign,
        organisation=own,
        kind=SubmissionKind.EXPLANATORY_NOTE,
        deadline=date(2024, 5, 6),
    )
    note = notes.open_note(campaign, own, user)
    with pytest.raises(notes.NoteError, match="нет ни одного пункта"):
        notes.submit_note(note, user)
    item = notes.save_item(note, user, theme="food", text="Больше фруктов", count=4)
    with pytest.raises(notes.NoteError, match="Не указаны принятые меры по 1"):
        notes.submit_note(note, user)
    notes.save_item(
        note, user, item=item, theme="food", text=item.text, count=4, response="В меню"
    )

    notes.submit_note(note, user, conclusions="Граждане довольны.")

    note.refresh_from_db()
    assert note.status == NoteStatus.SUBMITTED
    assert note.submitted_by == user and note.submitted_at is not None
    assert note.conclusions == "Граждане довольны."
    submission.refresh_from_db()
    assert submission.received_on == timezone.localdate()
    assert submission.status == SubmissionStatus.RECEIVED
    with pytest.raises(notes.NoteError, match="уже представлена"):
        notes.save_item(note, user, theme="other", text="Ещё")
    with pytest.raises(notes.NoteError, match="только редакторам"):
        notes.return_note(note, user, "Нет")
    with pytest.raises(notes.NoteError, match="причину"):
        notes.return_note(note, world["editor"], " ")
    notes.return_note(note, world["editor"], "Добавьте анализ рисунков")
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    actions = list(
        AuditEvent.objects.filter(object_id=str(note.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count("note.submit") == 1 and "note.return" in actions


def test_gallery_is_editor_only_and_ordered(world, tmp_path) -> None:
    campaign, own, user = world["campaign"], world["own"], world["institution_user"]
    note = notes.open_note(campaign, own, user)

    def upload(name):
        buffer = io.BytesIO()
        Image.new("RGB", (60, 40), (1, 2, 3)).save(buffer, "PNG")
        return notes.add_attachment(
            note,
            user,
            SimpleUploadedFile(name, buffer.getvalue()),
            caption=name,
            alt_text=f"Описание {name}",
        )

    first, second, hidden = upload("a"), upload("b"), upload("c")
    with pytest.raises(notes.NoteError, match="только редакторам"):
        notes.set_gallery(first, user, is_public=True)
    editor = world["editor"]
    with pytest.raises(notes.NoteError) as refused:
        notes.set_gallery(hidden, editor, is_public=True)
    assert str(refused.value) == (
        "Изображение без согласия на публикацию в галерею не включается: "
        "получите письменное согласие автора (за ребёнка — его законного "
        "представителя) и отметьте «согласие на публикацию получено»."
    )
    hidden.refresh_from_db()
    assert (hidden.is_public, hidden.consent) == (False, False)
    notes.set_gallery(first, editor, is_public=True, order=2, consent=True)
    notes.set_gallery(second, editor, is_public=True, order=1, consent=True)
    assert list(notes.public_gallery(campaign)) == [second, first]
    assert hidden not in notes.public_gallery(campaign)
    assert list(notes.public_gallery(campaign, limit=1)) == [second]
    assert AuditEvent.objects.filter(action="note.gallery").count() == 2
    # Withdrawn consent takes the image out of the gallery.
    with pytest.raises(notes.NoteError):
        notes.set_gallery(first, editor, is_public=True, consent=False)
    notes.set_gallery(first, editor, is_public=False, consent=False)
    assert list(notes.public_gallery(campaign)) == [second]


# --------------------------------------------------------------------------
# Admin screens


def login(client, user):
    client.force_login(user)
    return client


def test_institution_works_on_its_note_through_the_admin(client, world) -> None:
    campaign, own, user = world["campaign"], world["own"], world["institution_user"]
    response(campaign, own, "Нужен пандус", 1)
    login(client, user)
    index = client.get(reverse("qp_notes"))
    assert index.status_code == 200
    page = index.content.decode()
    assert "КЦСОН «Ачинский»" in page and "Назаровский" not in page

    url = reverse("qp_note_edit", args=[campaign.pk, own.pk])
    assert client.post(url, {"action": "open"}).status_code == 302
    assert client.post(url, {"action": "prefill"}).status_code == 302
    note = ExplanatoryNote.objects.get(campaign=campaign, organisation=own)
    item = note.items.get()
    client.post(
        url,
        {
            "action": "save_item",
            "item": item.pk,
            f"item{item.pk}-theme": "conditions",
            f"item{item.pk}-text": "Нужен пандус",
            f"item{item.pk}-count": "1",
            f"item{item.pk}-response": "Установлен пандус",
        },
    )
    client.post(
        url,
        {
            "action": "add_item",
            "new-theme": "staff",
            "new-text": "Спасибо персоналу",
            "new-count": "2",
            "new-response": "Благодарность объявлена",
        },
    )
    refused = client.post(
        url,
        {
            "action": "upload",
            "image": SimpleUploadedFile("рисунок.jpg", b"not an image", "image/jpeg"),
            "caption": "Рисунок",
            "alt_text": "Рисунок",
        },
    )
    assert refused.status_code == 400
    assert "не является изображением" in refused.content.decode()
    assert not NoteAttachment.objects.exists()
    page = client.get(url).content.decode()
    assert "Спасибо персоналу" in page and "Условия и доступность" in page

    buffer = io.BytesIO()
    Image.new("RGB", (50, 40), (9, 9, 9)).save(buffer, "PNG")
    accepted = client.post(
        url,
        {
            "action": "upload",
            "image": SimpleUploadedFile("рисунок.png", buffer.getvalue(), "image/png"),
            "caption": "Рисунок Пети",
            "alt_text": "Кот на окне",
        },
    )
    assert accepted.status_code == 302
    attachment = NoteAttachment.objects.get(note=note)
    assert (attachment.caption, attachment.is_public) == ("Рисунок Пети", False)

    client.post(url, {"action": "submit", "conclusions": "Итог"})
    note.refresh_from_db()
    assert note.status == NoteStatus.SUBMITTED
    assert NoteItem.objects.filter(note=note).count() == 2
    assert "Представлена" in client.get(reverse("qp_notes")).content.decode()
    # The institution cannot put its own image in the public gallery.
    client.post(
        url, {"action": "gallery", "attachment": attachment.pk, "is_public": "on"}
    )
    attachment.refresh_from_db()
    assert not attachment.is_public

    login(client, world["editor"])
    gallery = {"action": "gallery", "attachment": attachment.pk, "is_public": "on"}
    page = client.post(url, {**gallery, "gallery_order": "3"}, follow=True)
    assert "Изображение без согласия на публикацию" in page.content.decode()
    attachment.refresh_from_db()
    assert (attachment.is_public, attachment.consent) == (False, False)
    client.post(url, {**gallery, "gallery_order": "3", "consent": "on"})
    attachment.refresh_from_db()
    assert (attachment.is_public, attachment.consent) == (True, True)
    assert attachment.gallery_order == 3
    client.post(url, {"action": "return", "reason": "Добавьте выводы"})
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT


def denied(response) -> bool:
    """Wagtail's admin turns PermissionDenied into a redirect home with a message."""
    return response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_home"
    )


def test_admin_refuses_other_organisations_and_non_editors(client, world) -> None:
    campaign, own = world["campaign"], world["own"]
    login(client, world["other_user"])
    url = reverse("qp_note_edit", args=[campaign.pk, own.pk])
    assert denied(client.get(url))
    assert denied(client.post(url, {"action": "open"}))
    assert not ExplanatoryNote.objects.exists()
    assert denied(client.get(reverse("qp_decade_consolidation")))
    download = reverse("qp_decade_consolidation_download", args=[campaign.pk, "plan"])
    assert denied(client.get(download))

    login(client, world["editor"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("qp_decade_consolidation")).status_code == 200
    assert client.get(download).status_code == 200
