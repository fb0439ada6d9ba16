"""The public online questionnaire: short link, form, thank-you page, QR code.

``/q/<code>/`` (the organisation's register code) shows the questionnaire of
the organisation's campaign that is open now. Every question is on one page
and the form works without JavaScript; a small script turns it into one
question per screen on narrow screens and hides skipped questions. The form
carries no CSRF cookie (no cookies at all): a signed form ticket stands in
for it, and the abuse rules of :mod:`evaluation.questionnaire.services`
apply to every submission.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from evaluation.conf import evaluation_settings
from evaluation.models import Organisation
from evaluation.questionnaire import abuse
from evaluation.questionnaire import services as questionnaire_services
from evaluation.questionnaire.definitions import (
    AGE_GROUPS,
    SEXES,
    SUGGESTION_MAX,
    QuestionDef,
)

from .widgets import absolute_card_url, organisation_directory, widget_data

#: The hidden field people never fill (bots fill every field they see).
HONEYPOT = "website"


@dataclass(frozen=True)
class QuestionView:
    """One question as the template renders it."""

    question: QuestionDef
    value: str
    error: str
    depends_on: int | None

    @property
    def id(self) -> str:
        return f"question-{self.question.code}"


def _organisation(code: str) -> Organisation:
    return get_object_or_404(Organisation, code=code, is_active=True)


def questionnaire_url(organisation: Organisation) -> str:
    """The short link of an organisation's questionnaire (site-relative)."""
    return reverse("publications:questionnaire", kwargs={"code": organisation.code})


def _form_context(
    organisation: Organisation,
    questionnaire,
    *,
    ticket: str,
    data=None,
    errors: dict[str, str] | None = None,
    message: str = "",
) -> dict:
    question_set = questionnaire_services.question_set_of(questionnaire)
    numbers = {q.code: q.number for q in question_set.questions}
    data = data or {}
    errors = errors or {}
    questions = [
        QuestionView(
            question=q,
            value=str(data.get(q.code, "")),
            error=errors.get(q.code, ""),
            depends_on=numbers.get(q.asked_if) if q.asked_if else None,
        )
        for q in question_set.questions
    ]
    targets = {"sex": "field-sex-f", "age_group": "field-age_group"}
    error_list = [
        (
            f"question-{code}-yes"
            if code.startswith("q")
            else targets.get(code, f"field-{code}"),
            text,
        )
        for code, text in errors.items()
    ]
    return {
        "organisation": organisation,
        "questionnaire": questionnaire,
        "campaign": questionnaire.campaign,
        "question_set": question_set,
        "questions": questions,
        "ticket": ticket,
        "errors": errors,
        "error_list": error_list,
        "message": message,
        "data": data,
        "sexes": SEXES,
        "age_groups": AGE_GROUPS,
        "suggestion_max": SUGGESTION_MAX,
        "honeypot": HONEYPOT,
        "min_seconds": evaluation_settings.QUESTIONNAIRE_MIN_SECONDS,
    }


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HttpRequest, code: str) -> HttpResponse:
    """Show the organisation's open questionnaire, or take a filled one."""
    if request.method == "POST":
        return _submit(request, code)
    organisation = _organisation(code)
    current = questionnaire_services.open_questionnaire_for(organisation)
    if current is None:
        raise Http404("У организации нет онлайн-анкеты")
    now = timezone.now()
    if not current.opens_at <= now < current.closes_at:
        return render(
            request,
            "publications/questionnaire/closed.html",
            {
                "organisation": organisation,
                "questionnaire": current,
                "not_yet": now < current.opens_at,
            },
        )
    ticket = abuse.issue_ticket(current.campaign_id, organisation.pk)
    return render(
        request,
        "publications/questionnaire/form.html",
        _form_context(organisation, current, ticket=ticket),
    )


def _submit(request: HttpRequest, code: str) -> HttpResponse:
    post = request.POST
    address = abuse.client_address(
        request.META, evaluation_settings.QUESTIONNAIRE_TRUSTED_PROXIES
    )
    ticket = post.get("ticket", "")
    try:
        questionnaire_services.submit_online_response(
            ticket=ticket,
            answers={key: post.get(key, "") for key in post if key.startswith("q")},
            suggestion=post.get("suggestion", ""),
            sex=post.get("sex", ""),
            age_group=post.get("age_group", ""),
            honeypot=post.get(HONEYPOT, ""),
            address=address,
        )
    except questionnaire_services.QuestionnaireInvalidError as error:
        return _form_again(request, code, ticket, error.errors, "", status=400)
    except questionnaire_services.QuestionnaireRejectedError as error:
        if error.rule == "too_fast":
            return _form_again(request, code, ticket, {}, str(error), status=400)
        status = 429 if error.rule.endswith("limit") else 400
        return _refused(request, code, str(error), status)
    except questionnaire_services.QuestionnaireClosedError as error:
        return _refused(request, code, str(error), 403)
    return HttpResponseRedirect(
        reverse("publications:questionnaire-thanks", kwargs={"code": code}),
        status=303,
    )


def _form_again(
    request: HttpRequest,
    code: str,
    ticket: str,
    errors: dict[str, str],
    message: str,
    *,
    status: int,
) -> HttpResponse:
    organisation = _organisation(code)
    current = questionnaire_services.open_questionnaire_for(organisation)
    if current is None:
        raise Http404("У организации нет онлайн-анкеты")
    try:
        abuse.read_ticket(ticket)
    except abuse.TicketError:
        ticket = abuse.issue_ticket(current.campaign_id, organisation.pk)
    return render(
        request,
        "publications/questionnaire/form.html",
        _form_context(
            organisation,
            current,
            ticket=ticket,
            data=request.POST,
            errors=errors,
            message=message,
        ),
        status=status,
    )


def _refused(
    request: HttpRequest, code: str, message: str, status: int
) -> HttpResponse:
    organisation = Organisation.objects.filter(code=code).first()
    return render(
        request,
        "publications/questionnaire/refused.html",
        {"organisation": organisation, "message": message},
        status=status,
    )


@require_safe
def thanks(request: HttpRequest, code: str) -> HttpResponse:
    """How the answers are used, and the organisation's published results."""
    organisation = _organisation(code)
    directory = organisation_directory()
    return render(
        request,
        "publications/questionnaire/thanks.html",
        {
            "organisation": organisation,
            "data": widget_data(organisation),
            "card_url": absolute_card_url(request, organisation, directory=directory),
            "questionnaire": questionnaire_services.open_questionnaire_for(
                organisation
            ),
        },
    )
