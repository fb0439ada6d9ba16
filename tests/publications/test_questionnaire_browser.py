"""A citizen fills the online questionnaire in Chromium with the keyboard only.

Tab, Space, Enter and the arrow keys inside a radio group (how a group is
operated from the keyboard); axe-core checks the form and its error state.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from evaluation.models import SurveyResponse
from tests.browser import format_violations, run_axe, save_screenshot
from tests.factories.questionnaire import open_survey
from tests.portal_site.test_browser_a11y import home_site

__all__ = ["home_site"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_axe(page, axe_script, artefacts_dir, name: str) -> None:
    violations = run_axe(page, axe_script)
    save_screenshot(page, artefacts_dir, name)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def answer(page, code: str, yes: bool) -> None:
    """Tab into the question's radio group and choose with the keyboard."""
    page.keyboard.press("Tab")
    assert focused(page) == f"question-{code}-yes"
    if yes:
        page.keyboard.press("Space")
    else:
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"#question-{code}-{'yes' if yes else 'no'}")).to_be_checked()


def test_questionnaire_filled_with_the_keyboard_only(
    home_site, browser_page, live_server, axe_script, artefacts_dir, settings
) -> None:
    # Keyboard fills take seconds, not the production minimum.
    settings.QP_EVALUATION = {"QUESTIONNAIRE_MIN_SECONDS": 0}
    survey = open_survey()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/q/{survey.organisation.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Оцените качество условий оказания услуг"
    )
    check_axe(page, axe_script, artefacts_dir, "1-form")

    # The skip link leads into the page's content.
    page.keyboard.press("Tab")
    assert focused(page) == "" and page.evaluate(
        "() => document.activeElement.classList.contains('skip-link')"
    )
    page.keyboard.press("Enter")
    assert focused(page) == "main"

    answer(page, "q1", yes=False)
    # "No" to Q1 hides Q2: the next Tab goes straight to Q3.
    expect(page.locator("#question-q2")).to_be_hidden()
    for code in ("q3", "q4", "q5", "q6"):
        answer(page, code, yes=True)
    answer(page, "q7", yes=False)
    expect(page.locator("#question-q8")).to_be_hidden()
    for code in ("q9", "q10", "q11", "q12", "q13", "q14"):
        answer(page, code, yes=True)
    # Q15 left unanswered on purpose: Tab past it to the suggestion.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page) == "field-suggestion"
    page.keyboard.type("Нужна скамейка у входа")
    page.keyboard.press("Tab")
    assert focused(page) == "field-sex-f"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page) == "field-age_group"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    # The error summary gets focus; its link takes focus to the question.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Ответьте на вопрос 15")
    check_axe(page, axe_script, artefacts_dir, "2-errors")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "question-q15-yes"
    page.keyboard.press("Space")
    expect(page.locator("#question-q3-yes")).to_be_checked()
    expect(page.locator("#field-suggestion")).to_have_value("Нужна скамейка у входа")
    for expected in ("field-suggestion", "field-sex-f", "field-age_group"):
        page.keyboard.press("Tab")
        assert focused(page) == expected
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Спасибо, анкета принята")
    check_axe(page, axe_script, artefacts_dir, "3-thanks")
    response = SurveyResponse.objects.get()
    assert response.answers["q1"] is False
    assert response.answers["q2"] is None
    assert response.answers["q8"] is None
    assert response.answers["q15"] is True
    assert response.suggestion == "Нужна скамейка у входа"
    assert response.sex == "f"


def test_phone_shows_one_question_per_screen(
    home_site, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    survey = open_survey()
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/q/{survey.organisation.code}/")
    visible = page.locator("fieldset.question:visible")
    expect(visible).to_have_count(1)
    expect(visible.locator("legend")).to_contain_text("Вопрос 1.")
    expect(page.locator(".step-status")).to_have_text("Шаг 1 из 12")
    back = page.get_by_role("button", name="Назад")
    expect(back).to_be_hidden()  # nowhere to go back to from the first step
    page.locator("#question-q1-no").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Далее").focus()
    page.keyboard.press("Enter")
    # "No" to Q1: the next screen is Q3, and focus is on its question.
    expect(visible.locator("legend")).to_contain_text("Вопрос 3.")
    assert page.evaluate("() => document.activeElement.tagName") == "LEGEND"
    expect(back).to_be_visible()
    check_axe(page, axe_script, artefacts_dir, "phone-step")
