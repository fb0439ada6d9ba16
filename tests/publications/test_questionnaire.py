"""The public questionnaire pages: short link, form, errors, thank-you page, QR."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evaluation.models import OnlineQuestionnaire, SurveyResponse
from evaluation.questionnaire.abuse import read_ticket
from tests.factories.questionnaire import ALL_YES, open_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    return open_survey()


def url(survey, suffix=""):
    return f"/q/{survey.organisation.code}/{suffix}"


def test_form_has_every_question_in_fieldsets_and_no_personal_fields(client, survey):
    response = client.get(url(survey))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )
    assert html.count('<fieldset class="form-fieldset question') == 15
    assert "<legend>Вопрос 1. При посещении организации" in html
    assert 'aria-describedby="question-q2-condition "' in html
    assert "Ответьте, если на вопрос 1 вы ответили «Да»." in html
    assert 'name="suggestion"' in html
    for personal in ('name="name"', 'name="phone"', 'name="address"', 'type="tel"'):
        assert personal not in html
    assert not response.cookies
    ticket = html.split('name="ticket" value="')[1].split('"')[0]
    assert read_ticket(ticket).organisation_id == survey.organisation.pk


def test_valid_post_redirects_to_thanks_and_stores_one_response(client, survey):
    response = client.post(
        url(survey), {"ticket": survey.ticket(), **ALL_YES}, REMOTE_ADDR="192.0.2.4"
    )
    assert response.status_code == 303
    assert response["Location"] == url(survey, "thanks/")
    assert SurveyResponse.objects.filter(organisation=survey.organisation).count() == 1
    thanks = client.get(response["Location"])
    text = thanks.content.decode()
    assert thanks.status_code == 200
    assert "Как будут использованы ваши ответы" in text
    assert "ещё не опубликованы" in text


def test_invalid_post_shows_errors_linked_to_their_questions(client, survey):
    answers = dict(ALL_YES)
    del answers["q5"]
    response = client.post(
        url(survey), {"ticket": survey.ticket(), **answers, "suggestion": "Спасибо"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#question-q5-yes">Ответьте на вопрос 5' in html
    assert 'aria-describedby="question-q5-error "' in html
    assert 'id="question-q5-yes" name="q5" value="yes" aria-invalid="true"' in html
    # What was answered stays answered.
    assert 'id="question-q6-yes" name="q6" value="yes" checked' in html
    assert ">Спасибо</textarea>" in html
    assert SurveyResponse.objects.count() == 0


def test_too_fast_post_keeps_the_answers_and_asks_calmly_to_send_again(client, survey):
    response = client.post(url(survey), {"ticket": survey.ticket(1), **ALL_YES})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Проверьте ответы и отправьте анкету ещё раз" in html
    assert "слишком быстро" not in html
    assert 'id="question-q6-yes" name="q6" value="yes" checked' in html
    assert SurveyResponse.objects.count() == 0


def test_a_half_filled_fast_post_lists_the_missing_answers_first(client, survey):
    answers = dict(ALL_YES)
    del answers["q5"]
    response = client.post(url(survey), {"ticket": survey.ticket(1), **answers})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#question-q5-yes">Ответьте на вопрос 5' in html
    assert "Проверьте ответы и отправьте анкету ещё раз" not in html
    assert SurveyResponse.objects.count() == 0


def test_honeypot_post_is_refused(client, survey):
    response = client.post(
        url(survey), {"ticket": survey.ticket(), **ALL_YES, "website": "x"}
    )
    assert response.status_code == 400
    assert SurveyResponse.objects.count() == 0


def test_rate_limited_post_answers_429(client, survey, settings):
    settings.QP_EVALUATION = {"QUESTIONNAIRE_IP_LIMIT": 1}
    first = client.post(url(survey), {"ticket": survey.ticket(), **ALL_YES})
    second = client.post(
        url(survey), {"ticket": survey.ticket(), **ALL_YES, "q5": "no"}
    )
    assert (first.status_code, second.status_code) == (303, 429)
    assert "слишком много анкет" in second.content.decode()


def test_closed_questionnaire_says_so(client, survey):
    OnlineQuestionnaire.objects.filter(pk=survey.questionnaire.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    page = client.get(url(survey))
    assert page.status_code == 200
    assert "Приём анкет по кампании «Оценка 2026» завершён" in page.content.decode()
    posted = client.post(url(survey), {"ticket": survey.ticket(), **ALL_YES})
    assert posted.status_code == 403
    assert SurveyResponse.objects.count() == 0


def test_unknown_code_or_no_questionnaire_is_404(client, survey):
    assert client.get("/q/NO-SUCH/").status_code == 404
    OnlineQuestionnaire.objects.all().delete()
    assert client.get(url(survey)).status_code == 404


def test_questionnaire_qr_code_holds_the_short_link(client, survey):
    svg = client.get(url(survey, "qr.svg"))
    assert svg.status_code == 200
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert f"http://testserver/q/{survey.organisation.code}/" in svg.content.decode()
    png = client.get(url(survey, "qr.png"), {"scale": "4"})
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(url(survey, "qr.png"), {"scale": "99"}).status_code == 400


def test_card_links_to_the_open_questionnaire(client, published_region):
    # The demo's Декада has an open online questionnaire.
    organisation = published_region.organisations[0]
    card = client.get(published_region.directory.card_url(organisation))
    html = card.content.decode()
    assert card.status_code == 200
    assert f'href="/q/{organisation.code}/">Заполнить нашу анкету</a>' in html
    OnlineQuestionnaire.objects.update(
        closes_at=timezone.now() - dt.timedelta(minutes=1),
        opens_at=timezone.now() - dt.timedelta(days=2),
    )
    closed = client.get(published_region.directory.card_url(organisation))
    assert "Заполнить нашу анкету" not in closed.content.decode()


def test_embed_help_offers_the_questionnaire_link_and_qr(client, survey):
    page = client.get(f"/widget/{survey.organisation.slug}/embed/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="/q/{survey.organisation.code}/qr.svg" download' in html
    assert f"http://testserver/q/{survey.organisation.code}/</a>" in html
