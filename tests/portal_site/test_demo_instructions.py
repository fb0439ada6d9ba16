"""The demo instruction: issued to two organisations, one answer accepted."""

from __future__ import annotations

from datetime import date

import pytest

from evaluation.models import AnswerState, AuditEvent, Instruction
from portal_site.demo_instructions import build_instructions
from tests.factories.evaluation import OrganisationFactory
from tests.factories.helpers import nok_campaign

pytestmark = pytest.mark.django_db


def test_demo_instruction_is_built_once_through_the_services() -> None:
    organisations = [OrganisationFactory(short_name=f"КЦСОН {n}") for n in (1, 2, 3)]
    campaign = nok_campaign(2024)
    build_instructions(campaign, organisations)
    build_instructions(campaign, organisations)
    instruction = Instruction.objects.get()
    assert (instruction.number, instruction.issued_on) == ("12-2025", date(2025, 1, 20))
    # 20 working days after 20 January 2025 (no holidays in between).
    assert instruction.due_on == date(2025, 2, 17)
    states = dict(
        instruction.addressees.values_list("organisation__short_name", "state")
    )
    assert states == {"КЦСОН 1": AnswerState.ACCEPTED, "КЦСОН 2": AnswerState.ISSUED}
    assert list(
        AuditEvent.objects.filter(action__startswith="instruction.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["instruction.issue", "instruction.answer", "instruction.accept"]
