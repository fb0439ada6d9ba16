"""Open data readers stream: the generator selectors give the page selectors' rows."""

from __future__ import annotations

from evaluation import selectors
from evaluation.enums import PlanStatus
from evaluation.models import Measure, Submission


def test_plan_rows_one_at_a_time_are_the_plan_table(published_region) -> None:
    campaign = published_region.latest
    table = selectors.plan_rows(campaign=campaign, with_effects=False)
    streamed = list(selectors.iter_plan_rows(campaign=campaign, chunk_size=1))

    def key(row):
        return (
            row.measure.pk,
            [report.pk for report in row.reports],
            row.overdue,
            row.done_late,
            row.effect,
        )

    assert (
        len(table.rows)
        == Measure.objects.filter(
            plan__campaign=campaign, plan__status=PlanStatus.APPROVED
        ).count()
    )
    assert len(table.rows) > 1
    assert [key(row) for row in streamed] == [key(row) for row in table.rows]
    assert any(row.reports for row in streamed)


def test_owed_documents_one_at_a_time_are_the_tracker(published_region) -> None:
    for campaign in (published_region.decade, published_region.latest):
        tracker = selectors.submissions_tracker(campaign)
        streamed = list(selectors.iter_owed(campaign, chunk_size=1))
        assert [o.pk for o, _owed in streamed] == [
            row.organisation.pk for row in tracker.rows
        ]
        for (_organisation, owed), row in zip(streamed, tracker.rows, strict=True):
            assert [owed.get(kind) for kind, _label in tracker.kinds] == [
                submission for submission, _state in row.cells
            ]
        owed_count = sum(len(owed) for _o, owed in streamed)
        assert owed_count == Submission.objects.filter(campaign=campaign).count()
