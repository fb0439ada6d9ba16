"""The РМЦ and an invited public organisation read documents under council
review (issue 25, item 3): the РМЦ all of them, the public organisation those
of its campaigns once sent to the council; neither changes anything."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from evaluation import roles
from evaluation.plans import letters
from publications import review
from publications.models import ReviewDocument, ReviewKind
from tests.factories.users import role_user

pytestmark = pytest.mark.django_db


def _user(django_user_model, name: str, group: str):
    return role_user(name, group, email=f"{name}@example.ru")


@pytest.fixture
def documents(published_region, django_user_model):
    editor = _user(django_user_model, "editor", roles.EDITOR)
    latest, earlier = published_region.latest, published_region.campaigns[0]
    first = published_region.organisations[0]

    def document(title: str, campaign, *, sent: bool) -> ReviewDocument:
        made = review.create_review_document(
            kind=ReviewKind.EXPLANATORY_NOTE,
            organisation=first,
            campaign=campaign,
            user=editor,
            title=title,
            file=ContentFile(b"%PDF-1.4 " + title.encode(), name="doc.pdf"),
        )
        if sent:
            review.submit_for_review(made, editor)
        return made

    return {
        "sent": document("Отправлен совету", latest, sent=True),
        "draft": document("Черновик учреждения", latest, sent=False),
        "other": document("Другая кампания", earlier, sent=True),
        "rmc": _user(django_user_model, "rmc", roles.RMC),
        "checker": _user(django_user_model, "checker", roles.CHECKER),
        "latest": latest,
    }


def _titles(user) -> set[str]:
    readable = review.readable_documents(user, ReviewDocument.objects.all())
    return set(readable.values_list("title", flat=True))


def test_who_reads_which_document(documents) -> None:
    checker, rmc = documents["checker"], documents["rmc"]
    assert _titles(checker) == set()  # not invited yet
    letters.invite(documents["latest"], checker, "Краевая организация инвалидов")
    assert _titles(checker) == {"Отправлен совету"}
    assert _titles(rmc) == {
        "Отправлен совету",
        "Черновик учреждения",
        "Другая кампания",
    }
    assert review.may_read(checker, documents["sent"])
    assert not review.may_read(checker, documents["other"])


def test_they_open_and_download_but_cannot_edit(documents, client) -> None:
    checker, sent, other = documents["checker"], documents["sent"], documents["other"]
    letters.invite(documents["latest"], checker, "Краевая организация инвалидов")
    client.force_login(checker)
    listing = client.get(reverse("wagtailsnippets_qp_publications_reviewdocument:list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Отправлен совету" in html and "Другая кампания" not in html
    inspect = "wagtailsnippets_qp_publications_reviewdocument:inspect"
    assert client.get(reverse(inspect, args=[sent.pk])).status_code == 200
    assert client.get(reverse(inspect, args=[other.pk])).status_code == 404
    edit = client.get(
        reverse("wagtailsnippets_qp_publications_reviewdocument:edit", args=[sent.pk])
    )
    assert (edit.status_code, edit["Location"]) == (302, "/admin/")  # refused
    assert client.get(sent.file.url).status_code == 200
    assert client.get(other.file.url).status_code == 404

    client.force_login(documents["rmc"])
    assert client.get(reverse(inspect, args=[other.pk])).status_code == 200
    assert client.get(other.file.url).status_code == 200
    delete = client.post(
        reverse(
            "wagtailsnippets_qp_publications_reviewdocument:delete", args=[other.pk]
        )
    )
    assert (
        delete.status_code == 302
        and ReviewDocument.objects.filter(pk=other.pk).exists()
    )
