"""Import a 100,000-row survey-responses XLSX (issue 4).

Subject: ``evaluation.imports.engine.import_file`` (calamine reading, typed
column conversion, one lookup per file, ``COPY`` on PostgreSQL).

Baselines measured in the same run on the same file:

* ``calamine read``: ``python-calamine`` only reading the sheet into Python
  values — the floor for any importer (target: subject ≤ 3× this);
* ``import-export``: a plain ``ModelResource`` for the same columns with
  django-import-export's defaults, row by row (target: subject ≥ 10× faster).

Peak memory (target < 500 MB) is the peak RSS (``VmHWM``) of a fresh process
that sets up Django and runs only this import (so calamine's native buffers
count too; ``ru_maxrss`` would also count this process's RSS, which Linux
hands down across fork and exec); Python's own allocations (``tracemalloc``)
are shown next to it.
"""

from __future__ import annotations

import multiprocessing
import random
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from import_export import fields, resources, widgets
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from bench.memory_probe import probe
from evaluation.enums import CampaignKind, SurveyChannel, SurveyKind
from evaluation.imports.engine import import_file
from evaluation.models import Campaign, District, Organisation, SurveyResponse

CACHE = Path("/tmp/qp-bench")  # noqa: S108 (benchmark scratch files)
HEADER = [
    "ИНН",
    "Номер анкеты",
    "Дата анкетирования",
    "Канал",
    "Форма опроса",
    *(f"Вопрос {n}" for n in range(1, 16)),
    "Предложения",
]
ORGANISATIONS = 200


def _inn(serial: int) -> str:
    body = f"24{serial:07d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return body + str(
        sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11 % 10
    )


def _file(rows: int) -> Path:
    path = CACHE / f"survey-{rows}.xlsx"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = random.Random(4)
    channels = [str(label) for _, label in SurveyChannel.choices]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Анкеты")
    sheet.append(["Анкеты Декады качества 2024 (бенчмарк)"])
    sheet.append(HEADER)
    start = date(2024, 4, 8)
    for index in range(rows):
        sheet.append(
            [
                _inn(1 + index % ORGANISATIONS),
                str(index + 1),
                (start + timedelta(days=index % 12)).strftime("%d.%m.%Y"),
                channels[index % len(channels)],
                "Анкетирование" if index % 7 else "Интервью",
                *("да" if rng.random() < 0.85 else "нет" for _ in range(15)),
                "Спасибо" if index % 50 == 0 else None,
            ]
        )
    tmp = path.with_suffix(".tmp")
    workbook.save(tmp)
    tmp.rename(path)
    return path


def _campaign() -> Campaign:
    district, _ = District.objects.get_or_create(
        slug="bench", defaults={"name": "Бенчмарк"}
    )
    organisations = []
    for serial in range(1, ORGANISATIONS + 1):
        organisation, _ = Organisation.objects.get_or_create(
            inn=_inn(serial),
            defaults={
                "name": f"Бенчмарк {serial}",
                "short_name": f"Бенч {serial}",
                "slug": f"bench-{serial}",
                "code": f"BENCH-{serial}",
                "kind": "complex_centre",
                "district": district,
            },
        )
        organisations.append(organisation)
    campaign, _ = Campaign.objects.get_or_create(
        slug="bench-decade",
        defaults={
            "kind": CampaignKind.DECADE,
            "year": 2024,
            "title": "Бенчмарк: Декада",
            "period_start": date(2024, 4, 8),
            "period_end": date(2024, 4, 19),
        },
    )
    campaign.organisations.set(organisations)
    return campaign


class AnswerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return {"да": True, "нет": False}.get(str(value or "").strip().lower())


class PlainSurveyResource(resources.ModelResource):
    """The same columns through django-import-export's defaults (the baseline)."""

    organisation = fields.Field(
        attribute="organisation",
        column_name="ИНН",
        widget=widgets.ForeignKeyWidget(Organisation, field="inn"),
    )
    number = fields.Field(attribute="number", column_name="Номер анкеты")
    collected_on = fields.Field(
        attribute="collected_on",
        column_name="Дата анкетирования",
        widget=widgets.DateWidget(format="%d.%m.%Y"),
    )
    channel = fields.Field(attribute="channel", column_name="Канал")
    kind = fields.Field(attribute="kind", column_name="Форма опроса")
    suggestion = fields.Field(attribute="suggestion", column_name="Предложения")

    class Meta:
        model = SurveyResponse
        fields = (
            "organisation",
            "number",
            "collected_on",
            "channel",
            "kind",
            "suggestion",
        )
        import_id_fields = ("organisation", "number")

    def __init__(self, campaign, **kwargs):
        super().__init__(**kwargs)
        self.campaign = campaign
        self.channels = {str(label): value for value, label in SurveyChannel.choices}
        self.kinds = {str(label): value for value, label in SurveyKind.choices}

    def before_import_row(self, row, **kwargs):
        row["Канал"] = self.channels.get(row["Канал"], row["Канал"])
        row["Форма опроса"] = self.kinds.get(row["Форма опроса"], row["Форма опроса"])
        row["Предложения"] = row.get("Предложения") or ""

    def before_save_instance(self, instance, row, **kwargs):
        instance.campaign = self.campaign
        instance.answers = {
            f"q{n}": AnswerWidget().clean(row.get(f"Вопрос {n}")) for n in range(1, 16)
        }


def _plain_import(path: Path, campaign: Campaign) -> int:
    import tablib

    with path.open("rb") as handle:
        rows = CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0).to_python()
    dataset = tablib.Dataset(*[tuple(r) for r in rows[2:]], headers=rows[1])
    result = PlainSurveyResource(campaign).import_data(dataset, raise_errors=True)
    return result.totals["new"]


def _clear(campaign: Campaign) -> None:
    with transaction.atomic():
        SurveyResponse.objects.filter(campaign=campaign).delete()
        campaign.imports.all().delete()


def run(*, rows: int, repeat: int, plain_rows: int | None = None) -> int:
    """Measure and print; return 1 when a target is missed."""
    path = _file(rows)
    data = path.read_bytes()
    campaign = _campaign()
    print(f"[imports] file: {path} ({len(data) / 1e6:.1f} MB, {rows} rows)")

    def read_only() -> None:
        with path.open("rb") as handle:
            CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0).to_python()

    read = min(_timed(read_only) for _ in range(repeat))

    timings = []
    for _ in range(repeat):
        _clear(campaign)
        timings.append(_timed(lambda: _subject(data, campaign)))
    subject = min(timings)
    stored = SurveyResponse.objects.filter(campaign=campaign).count()
    if stored != rows:
        raise RuntimeError(f"imported {stored} rows, expected {rows}")

    _clear(campaign)
    tracemalloc.start()
    _subject(data, campaign)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    _clear(campaign)
    rss = _fresh_process_peak_rss(path, campaign.pk)

    _clear(campaign)
    plain_path = path if not plain_rows or plain_rows == rows else _file(plain_rows)
    plain_count = rows if plain_path == path else plain_rows
    plain = _timed(lambda: _plain_import(plain_path, campaign))
    plain_full = plain * rows / plain_count
    _clear(campaign)

    print(f"[imports] calamine read only:           {read:.2f} s")
    print(f"[imports] import_file (subject):        {subject:.2f} s")
    if plain_count == rows:
        print(f"[imports] import-export ModelResource:   {plain:.2f} s")
    else:
        print(
            f"[imports] import-export ModelResource:   {plain:.2f} s for {plain_count} rows "
            f"(linear estimate for {rows}: {plain_full:.1f} s)"
        )
    print(
        f"[imports] ratio subject / calamine read: {subject / read:.2f}x (target ≤ 3)"
    )
    print(
        f"[imports] speed-up over ModelResource:   {plain_full / subject:.1f}x (target ≥ 10)"
    )
    print(
        f"[imports] peak memory of the import:      {rss:.0f} MB peak RSS of a fresh "
        f"process doing only this import (target < 500); Python allocations "
        f"{peak / 1e6:.0f} MB"
    )
    ok = subject / read <= 3 and plain_full / subject >= 10 and rss < 500
    return 0 if ok else 1


def _fresh_process_peak_rss(path: Path, campaign_id: int) -> float:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=probe, args=(str(path), campaign_id, queue))
    process.start()
    process.join(timeout=900)
    if process.exitcode != 0 or queue.empty():
        raise RuntimeError(f"memory probe failed (exit code {process.exitcode})")
    rss = queue.get()
    if rss < 0:
        raise RuntimeError("memory probe: the benchmark file was rejected")
    return rss


def _subject(data: bytes, campaign: Campaign) -> None:
    report = import_file("survey_responses", data, "bench.xlsx", campaign=campaign)
    if not report.ok:
        raise RuntimeError(f"benchmark file rejected: {report.errors[:3]}")


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started
