"""The printable questionnaire (annex 1 of the order): A4 and large print.

One blank per organisation and question-set version: the organisation's
name, the questions in the online form's order with «да»/«нет» boxes, tick
boxes for the channel and the place of collection, and a QR code (segno,
the same parameters as :mod:`publications.qr`) leading to the
organisation's online form.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from evaluation.enums import PAPER_SURVEY_CHANNELS
from evaluation.models import Organisation
from evaluation.questionnaire.definitions import AGE_GROUPS, SEXES
from evaluation.questionnaire.services import open_questionnaire_for, question_set_of

from ..qr import qr_svg, questionnaire_qr_title


def questionnaire_form_url(request: HttpRequest, organisation: Organisation) -> str:
    """The absolute URL of the organisation's online form (the QR payload)."""
    return request.build_absolute_uri(
        reverse("publications:questionnaire", kwargs={"code": organisation.code})
    )


def questionnaire_context(
    request: HttpRequest, organisation: Organisation, *, large: bool
) -> dict[str, Any]:
    online = open_questionnaire_for(organisation)
    question_set = question_set_of(online)
    url = questionnaire_form_url(request, organisation)
    svg = qr_svg(url, questionnaire_qr_title(organisation)).decode("utf-8")
    # The standalone file's XML declaration cannot stand inside HTML.
    svg = svg[svg.index("<svg") :]
    return {
        "title": f"{question_set.title}: {organisation.short_name}",
        "organisation": organisation,
        "campaign": online.campaign if online else None,
        "question_set": question_set,
        "questions": question_set.questions,
        "numbers": {q.code: q.number for q in question_set.questions},
        "channels": PAPER_SURVEY_CHANNELS,
        "sexes": SEXES,
        "age_groups": AGE_GROUPS,
        "form_url": url,
        "qr_svg": svg,
        "large": large,
        "draft": False,
    }
