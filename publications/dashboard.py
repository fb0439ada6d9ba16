"""The admin dashboard: a «start here» checklist and each role's own queue.

On an empty installation an editor (or administrator) sees what to do first,
in order, each step a link and ticked once done: fill in the districts,
import the register of organisations, create users and bind them, create a
campaign. Afterwards the dashboard shows each role what waits for it:

* editors: documents overdue, what the public council has not decided yet,
  and uploads refused in the last 30 days;
* an institution: the documents it still owes, nearest deadline first;
* a council member: the council's review queue, most urgent first.

The panels read the same selectors as the screens they link to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from evaluation import roles
from evaluation.deadlines import SubmissionState
from evaluation.models import (
    Campaign,
    District,
    ImportRecord,
    ImportStatus,
    Organisation,
    Submission,
)
from publications.review import council_queue

#: Rows a panel lists before «все …».
SHOWN = 10
#: How far back refused uploads are listed for editors.
FAILED_IMPORT_DAYS = 30


@dataclass(frozen=True)
class Step:
    """One step of the start-here checklist."""

    title: str
    help: str
    url: str
    link: str
    done: bool


def start_steps() -> list[Step]:
    """The first steps of a new installation, each with whether it is done."""
    users = get_user_model().objects.filter(is_active=True)
    bound = users.filter(
        Q(qp_organisations__isnull=False) | Q(qp_operated_campaigns__isnull=False)
    )
    return [
        Step(
            "Заполните справочник районов",
            "Районы и округа края: реестр организаций ссылается на них по "
            "названию, и организация с незнакомым районом не загрузится.",
            reverse("district:add"),
            "Добавить район",
            District.objects.exists(),
        ),
        Step(
            "Загрузите реестр организаций",
            "Файл с ИНН, наименованиями, видами и районами организаций "
            "социального обслуживания (шаблон — на странице загрузки).",
            reverse("qp_import") + "?form=organisations",
            "Загрузить реестр",
            Organisation.objects.exists(),
        ),
        Step(
            "Создайте пользователей и привяжите их",
            "Сотрудникам учреждений — группа «Учреждения» и организация в "
            "карточке организации; операторам — группа «Операторы» и кампания; "
            "членам совета — группа «Общественный совет».",
            reverse("wagtailusers_users:add"),
            "Добавить пользователя",
            bound.exists(),
        ),
        Step(
            "Создайте кампанию",
            "Независимая оценка качества или Декада качества: год, сроки, "
            "организации; дальше — страница «Ход кампании».",
            reverse("campaign:add"),
            "Создать кампанию",
            Campaign.objects.exists(),
        ),
    ]


class StartHerePanel(Component):
    """«С чего начать»: shown to editors until every step is done."""

    name = "qp_start_here"
    order = 10
    template_name = "publications/dashboard/start_here.html"

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps

    def get_context_data(self, parent_context=None):
        done = sum(step.done for step in self.steps)
        return {"steps": self.steps, "done": done, "total": len(self.steps)}


class EditorQueuePanel(Component):
    """What waits for the ministry: overdue documents, the council, refusals."""

    name = "qp_editor_queue"
    order = 20
    template_name = "publications/dashboard/editor_queue.html"

    def __init__(self, today: date) -> None:
        self.today = today

    def get_context_data(self, parent_context=None):
        overdue = (
            Submission.objects.filter(received_on__isnull=True, deadline__lt=self.today)
            .select_related("organisation", "campaign")
            .order_by("deadline", "organisation__short_name")
        )
        queue = council_queue(self.today)
        since = timezone.now() - timedelta(days=FAILED_IMPORT_DAYS)
        failed = ImportRecord.objects.filter(
            status=ImportStatus.FAILED, created_at__gte=since
        ).select_related("organisation", "user")
        return {
            "overdue": overdue[:SHOWN],
            "overdue_count": overdue.count(),
            "queue": queue[:SHOWN],
            "queue_count": len(queue),
            "failed": failed[:SHOWN],
            "failed_count": failed.count(),
            "failed_days": FAILED_IMPORT_DAYS,
            "tracker_url": reverse("qp_tracker"),
            "queue_url": reverse("qp_council_queue"),
            "imports_url": reverse("importrecord:index") + "?status=failed",
        }


@dataclass(frozen=True)
class OwedItem:
    submission: Submission
    state: SubmissionState


class InstitutionPanel(Component):
    """What the user's organisations still owe, nearest deadline first."""

    name = "qp_institution_owes"
    order = 20
    template_name = "publications/dashboard/institution.html"

    def __init__(self, user, today: date) -> None:
        self.user = user
        self.today = today

    def get_context_data(self, parent_context=None):
        owed = (
            Submission.objects.filter(
                organisation__in=roles.organisations_of(self.user),
                received_on__isnull=True,
            )
            .select_related("organisation", "campaign")
            .order_by("deadline", "kind", "pk")
        )
        return {
            "owed": [
                OwedItem(submission, submission.state(self.today))
                for submission in owed[:SHOWN]
            ],
            "owed_count": owed.count(),
            "cabinet_url": reverse("qp_cabinet"),
        }


class CouncilPanel(Component):
    """The council's review queue, most urgent first."""

    name = "qp_council_queue"
    order = 20
    template_name = "publications/dashboard/council.html"

    def __init__(self, today: date) -> None:
        self.today = today

    def get_context_data(self, parent_context=None):
        queue = council_queue(self.today)
        return {
            "queue": queue[:SHOWN],
            "queue_count": len(queue),
            "queue_url": reverse("qp_council_queue"),
        }


@hooks.register("construct_homepage_panels")
def add_role_panels(request, panels) -> None:
    """The start-here checklist and the user's queues, before Wagtail's panels."""
    user = request.user
    today = timezone.localdate()
    if roles.is_editor(user):
        steps = start_steps()
        if not all(step.done for step in steps):
            panels.insert(0, StartHerePanel(steps))
        panels.insert(1, EditorQueuePanel(today))
        return
    if roles.is_council_member(user):
        panels.insert(0, CouncilPanel(today))
    if roles.is_institution(user):
        panels.insert(0, InstitutionPanel(user, today))
