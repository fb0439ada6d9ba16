"""Wagtail admin sentences that compose a model's name read as Russian."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluation.admin.viewsets import EvaluationViewSetGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("ed", "ed@example.ru", "pw")
    client.force_login(user)
    return client


def test_an_empty_listing_and_its_add_button_agree(editor) -> None:
    (viewset,) = [
        v() for v in EvaluationViewSetGroup.items if v.model.__name__ == "District"
    ]
    html = editor.get(reverse(viewset.get_url_name("index"))).content.decode()
    name = str(viewset.model._meta.verbose_name)
    plural = str(viewset.model._meta.verbose_name_plural)
    assert f"Добавить: {name}" in html
    assert f"Добавить {name}" not in html
    assert f"Пока ничего нет. Раздел: {plural}." in html
    assert "добавить одну" not in html.lower()


def test_the_listing_count_does_not_glue_a_number_to_a_plural(editor) -> None:
    from tests.factories.evaluation import DistrictFactory

    DistrictFactory.create_batch(3)
    (viewset,) = [
        v() for v in EvaluationViewSetGroup.items if v.model.__name__ == "District"
    ]
    html = editor.get(reverse(viewset.get_url_name("index"))).content.decode()
    plural = str(viewset.model._meta.verbose_name_plural)
    assert "Записей: 3" in html
    assert f"3 {plural}" not in html
