"""Questionnaires of a campaign, one row each (no personal data)."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connections, router

from evaluation.bulk import JsonText, copy_lines, copy_text, insert_rows
from evaluation.enums import CampaignKind, SurveyKind
from evaluation.imports import resources
from evaluation.imports.errors import CellError
from evaluation.imports.sheets.base import PROGRESS_EVERY, ImportForm
from evaluation.imports.sheets.common import Context, Row, snapshot, sort_rows
from evaluation.models import Organisation, SurveyResponse


class SurveyResponsesForm(ImportForm):
    """Questionnaires of a campaign, one row each (no personal data)."""

    name = "survey_responses"
    title = "Анкеты получателей услуг"
    description = "Одна строка — одна анкета: номер, дата, канал, форма, ответы на вопросы 1–15, предложения."
    campaign_kind = CampaignKind.DECADE
    model = SurveyResponse
    resource = resources.SurveyResponseResource
    ANSWER_KEYS = tuple(f"q{n}" for n in range(1, 16))
    WRITABLE = (
        "collected_on",
        "channel",
        "kind",
        "external_territorial",
        "answers",
        "suggestion",
    )

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        # Answer patterns repeat: rows share one (never mutated) dict per
        # pattern, and its JSON is encoded once (see ``write``).
        self._answers: dict[tuple, dict[str, bool | None]] = {}
        self._answers_json: dict[int, JsonText] = {}
        self._get_answers = operator.itemgetter(*self.ANSWER_KEYS)

    def build_row(self, number, converted, titles):
        organisation, errors = self.organisation_of(number, converted, titles)
        if errors:
            return None, errors
        pattern = self._get_answers(converted)
        answers = self._answers.get(pattern)
        if answers is None:
            answers = self._answers[pattern] = dict(
                zip(self.ANSWER_KEYS, pattern, strict=True)
            )
        row_values = {
            "collected_on": converted["collected_on"],
            "channel": converted["channel"],
            "kind": converted.get("kind") or SurveyKind.QUESTIONNAIRE,
            "external_territorial": bool(converted.get("external_territorial")),
            "answers": answers,
            "suggestion": converted.get("suggestion") or "",
        }
        return Row(
            number, (organisation.pk, converted["number"]), row_values, organisation
        ), []

    def key_title(self, titles):
        return titles.get("number", "Номер анкеты")

    def validate_table(self, table, titles, progress=None):
        """:meth:`validate` column by column, with exactly its rows and errors.

        Survey files run to hundreds of thousands of rows of a few
        organisations, so the organisation of each distinct INN and code is
        resolved once, and no per-row dict of converted values is built.
        (``tests/evaluation/test_import_speed_survey.py`` compares this with
        the row-by-row path on files with every kind of error.)
        """
        column = table.column
        conversion_errors = table.errors
        organisation_title = titles.get("inn") or titles.get("code") or "ИНН"
        key_title = self.key_title(titles)
        resolved: dict[tuple, tuple[Organisation | None, str | None]] = {}
        patterns = self._answers
        questionnaire = SurveyKind.QUESTIONNAIRE
        rows: list[Row] = []
        errors: list[CellError] = []
        seen: dict[tuple, int] = {}
        cells = zip(
            table.numbers,
            column("inn"),
            column("code"),
            column("number"),
            column("collected_on"),
            column("channel"),
            column("kind"),
            column("external_territorial"),
            column("suggestion"),
            zip(*(column(key) for key in self.ANSWER_KEYS), strict=True),
            strict=True,
        )
        for index, (
            number, inn, code, identifier, collected_on, channel, kind, external,
            suggestion, pattern,
        ) in enumerate(cells, start=1):  # fmt: skip
            if progress is not None and not index % PROGRESS_EVERY:
                progress(index)
            row_errors = conversion_errors.get(index - 1)
            if row_errors:
                errors.extend(row_errors)
                continue
            found = resolved.get((inn, code))
            if found is None:
                found = resolved[inn, code] = self.organisation_by(inn, code)
            organisation, message = found
            if message is not None:
                errors.append(CellError(number, organisation_title, message))
                continue
            key = (organisation.pk, identifier)
            if key in seen:
                errors.append(
                    CellError(number, key_title, f"строка повторяет строку {seen[key]}")
                )
                continue
            seen[key] = number
            answers = patterns.get(pattern)
            if answers is None:
                answers = patterns[pattern] = dict(
                    zip(self.ANSWER_KEYS, pattern, strict=True)
                )
            rows.append(
                Row(
                    number,
                    key,
                    {
                        "collected_on": collected_on,
                        "channel": channel,
                        "kind": kind or questionnaire,
                        "external_territorial": bool(external),
                        "answers": answers,
                        "suggestion": suggestion or "",
                    },
                    organisation,
                )
            )
        return rows, errors

    def _json(self, answers: dict) -> JsonText:
        encoded = self._answers_json.get(id(answers))
        if encoded is None:
            encoded = self._answers_json[id(answers)] = JsonText(json.dumps(answers))
        return encoded

    def _copy_lines(self, rows: Iterable[Row], now) -> Iterator[str]:
        """The ``COPY`` lines of new responses, in the column order of
        ``write``; each distinct date, choice, answer pattern and suggestion
        is formatted once."""
        from evaluation.enums import DataSource

        texts: dict[object, str] = {}
        answers_texts: dict[int, str] = {}
        head = f"{self.context.campaign.pk}\t"
        tail = f"\t\t\t{copy_text(DataSource.IMPORT)}\tf\t\t{now.isoformat()}\n"
        for row in rows:
            organisation_id, number = row.key
            v = row.values
            answers = v["answers"]
            answers_text = answers_texts.get(id(answers))
            if answers_text is None:
                answers_text = answers_texts[id(answers)] = copy_text(
                    self._json(answers)
                )
            collected_on, channel, kind, suggestion = (
                v["collected_on"], v["channel"], v["kind"], v["suggestion"]
            )  # fmt: skip
            for value in (collected_on, channel, kind, suggestion):
                if value not in texts:
                    texts[value] = copy_text(  # str() of a choice is its value
                        str(value) if isinstance(value, str) else value.isoformat()
                    )
            yield (
                f"{head}{organisation_id}\t{copy_text(number)}\t{texts[collected_on]}"
                f"\t{texts[channel]}\t{texts[kind]}"
                f"\t{'t' if v['external_territorial'] else 'f'}\t{answers_text}"
                f"\t{texts[suggestion]}{tail}"
            )

    def plan(self, rows):
        campaign = self.context.campaign
        organisation_ids = {row.key[0] for row in rows}
        existing = {
            (r.organisation_id, r.number): r
            for r in SurveyResponse.objects.filter(
                campaign=campaign, organisation_id__in=organisation_ids
            ).exclude(number="")
        }
        return sort_rows(rows, existing)

    def write(self, plan):
        from django.utils import timezone

        from evaluation.enums import DataSource

        campaign_id = self.context.campaign.pk
        now = timezone.now()
        columns = (
            "campaign_id", "organisation_id", "number", "collected_on", "channel",
            "kind", "external_territorial", "answers", "suggestion", "sex",
            "age_group", "source", "excluded", "exclusion_reason", "created_at",
        )  # fmt: skip
        if connections[router.db_for_write(SurveyResponse)].vendor == "postgresql":
            copy_lines(SurveyResponse, columns, self._copy_lines(plan.new, now))
        else:
            insert_rows(
                SurveyResponse,
                columns,
                [
                    (
                        campaign_id,
                        row.key[0],
                        row.key[1],
                        v["collected_on"],
                        v["channel"],
                        v["kind"],
                        v["external_territorial"],
                        self._json(v["answers"]),
                        v["suggestion"],
                        "",
                        "",
                        DataSource.IMPORT,
                        False,
                        "",
                        now,
                    )
                    for row in plan.new
                    for v in (row.values,)
                ],
            )
        # Created responses are listed by organisation: one entry per
        # organisation, not per row, keeps the undo data of a 100,000-row
        # file small (``engine.undo_import`` deletes them by number).
        created: dict[int, list[str]] = {}
        for organisation_id, number in map(operator.attrgetter("key"), plan.new):
            numbers = created.get(organisation_id)
            if numbers is None:
                numbers = created[organisation_id] = []
            numbers.append(number)
        changes: list[dict[str, Any]] = [
            {
                "model": "surveyresponse",
                "organisation": organisation_id,
                "numbers": numbers,
                "before": None,
            }
            for organisation_id, numbers in created.items()
        ]
        for row, current in plan.updated:
            changes.append(
                {
                    "model": "surveyresponse",
                    "pk": current.pk,
                    "before": snapshot(current, row.values),
                }
            )
            for key, value in row.values.items():
                setattr(current, key, value)
        if plan.updated:
            SurveyResponse.objects.bulk_update(
                [c for _, c in plan.updated], list(self.WRITABLE), batch_size=2000
            )
        return changes
