"""The Декада gallery block: editor-chosen images, accessible markup, API shape."""

from __future__ import annotations

import io
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image
from wagtail import blocks

from cms_blocks.blocks import DecadeGalleryBlock
from cms_blocks.streams import DataStreamBlock, DecadeStreamBlock
from evaluation import roles
from evaluation.decade import notes
from evaluation.enums import CampaignKind, OrganisationKind
from evaluation.models import Campaign
from publications.models import DecadeResultsPage
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory
from tests.factories.helpers import nok_campaign

pytestmark = pytest.mark.django_db


def png(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(buffer, "PNG")
    return SimpleUploadedFile("drawing.png", buffer.getvalue(), "image/png")


@pytest.fixture
def gallery(django_user_model):
    organisation = OrganisationFactory(
        name="Центр «Канский»",
        kind=OrganisationKind.FAMILY_CENTRE,
        district__name="г. Канск",
    )
    campaign = DecadeCampaignFactory(organisations=[organisation])
    editor = django_user_model.objects.create_user("editor", password="pw")
    editor.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    note = notes.open_note(campaign, organisation, editor)
    first = notes.add_attachment(
        note, editor, png((255, 0, 0)), caption="Моя семья", alt_text="Мама, папа и я"
    )
    second = notes.add_attachment(
        note, editor, png((0, 255, 0)), caption="Лето", alt_text="Солнце над рекой"
    )
    private = notes.add_attachment(
        note, editor, png((0, 0, 255)), caption="Личное", alt_text="Не для сайта"
    )
    notes.set_gallery(first, editor, is_public=True, order=2, consent=True)
    notes.set_gallery(second, editor, is_public=True, order=1, consent=True)
    return campaign, [second, first], private


def value_of(campaign, **options):
    block = DecadeGalleryBlock()
    return block, block.to_python(
        {"campaign": campaign.pk, "title": "Рисунки детей", "max_items": 24, **options}
    )


def test_renders_public_images_in_order_as_accessible_figures(gallery) -> None:
    campaign, public, _private = gallery
    block, value = value_of(campaign)
    html = BeautifulSoup(
        block.render(value, context={"request": RequestFactory().get("/")}),
        "html.parser",
    )
    section = html.find("section")
    heading = section.find("h2")
    assert heading.get_text() == "Рисунки детей"
    assert section["aria-labelledby"] == heading["id"]
    figures = section.find_all("figure")
    assert len(figures) == 2
    images = [figure.find("img") for figure in figures]
    assert [img["alt"] for img in images] == ["Солнце над рекой", "Мама, папа и я"]
    assert all(img["loading"] == "lazy" for img in images)
    assert [img["src"] for img in images] == [a.image.url for a in public]
    assert (images[0]["width"], images[0]["height"]) == ("80", "60")
    captions = [
        figure.find("figcaption").get_text(" ", strip=True) for figure in figures
    ]
    assert captions[0].startswith("Лето") and "Центр «Канский»" in captions[0]
    assert "Не для сайта" not in str(html)


def test_max_items_limits_and_empty_gallery_renders_nothing(gallery) -> None:
    campaign, public, _private = gallery
    assert len(public) == 2
    block, value = value_of(campaign, max_items=1)
    html = BeautifulSoup(block.render(value), "html.parser")
    assert len(html.find_all("figure")) == 1
    other = Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=2025,
        title="Декада качества 2025",
        slug="decade-2025",
        period_start=date(2025, 4, 7),
        period_end=date(2025, 4, 18),
    )
    block, value = value_of(other)
    assert block.render(value).strip() == ""


def test_api_representation(gallery) -> None:
    campaign, public, _private = gallery
    block, value = value_of(campaign)
    request = RequestFactory().get("/api/v2/pages/1/")
    data = block.get_api_representation(value, context={"request": request})
    assert data["campaign"]["slug"] == "decade-2024"
    assert data["title"] == "Рисунки детей"
    assert [item["alt"] for item in data["items"]] == [
        "Солнце над рекой",
        "Мама, папа и я",
    ]
    first = data["items"][0]
    assert first["url"] == "http://testserver" + public[0].image.url
    assert (first["width"], first["height"], first["caption"]) == (80, 60, "Лето")
    assert first["organisation"]["short_name"] == "Центр «Канский»"


def test_clean_refuses_a_nok_campaign(gallery) -> None:
    nok = nok_campaign(2024)
    block, value = value_of(nok)
    with pytest.raises(blocks.StructBlockValidationError) as error:
        block.clean(value)
    assert "campaign" in error.value.block_errors


def test_only_the_decade_page_offers_the_gallery() -> None:
    assert "decade_gallery" in DecadeStreamBlock().child_blocks
    assert "decade_gallery" not in DataStreamBlock().child_blocks
    body = DecadeResultsPage._meta.get_field("body").stream_block
    assert isinstance(body, DecadeStreamBlock)
    assert body.meta.block_counts["decade_gallery"] == {"max_num": 1}


def test_decade_page_shows_the_gallery_on_the_site_and_in_the_api(
    published_region, client, django_user_model
) -> None:
    decade = published_region.decade
    organisation = decade.organisations.order_by("pk").first()
    editor = django_user_model.objects.create_user("gallery-editor", password="pw")
    editor.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    note = notes.open_note(decade, organisation, editor)
    drawing = notes.add_attachment(
        note, editor, png((200, 100, 0)), caption="Осень", alt_text="Жёлтые листья"
    )
    notes.set_gallery(drawing, editor, is_public=True, order=1, consent=True)
    page = published_region.decade_page
    page.body = [
        *((b.block_type, b.value) for b in page.body),
        (
            "decade_gallery",
            DecadeGalleryBlock().to_python(
                {"campaign": decade.pk, "title": "Рисунки", "max_items": 24}
            ),
        ),
    ]
    page.save_revision().publish()

    html = BeautifulSoup(client.get(page.url).content, "html.parser")
    (image,) = html.select("section.block--gallery figure img")
    assert image["alt"] == "Жёлтые листья" and image["loading"] == "lazy"

    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    (gallery_block,) = [b for b in detail["body"] if b["type"] == "decade_gallery"]
    assert gallery_block["value"]["items"][0]["alt"] == "Жёлтые листья"
