"""Large results reports are built by a background task, with progress.

The threshold is lowered so the two-organisation campaign of ``nok`` counts
as large. The task runs on the task framework's immediate backend (as the
import tests do) or waits, unrun, on its dummy backend, so the test decides
when it runs.
"""

from __future__ import annotations

import sys

import pytest
from django.core.cache import cache
from django_tasks import task_backends

from evaluation import selectors
from publications.documents import background
from tests.publications.test_documents import (
    DOCX,
    PDF,
    _publish,
    n,
    nok,
    pdf_text,
    private_root,
    stored_documents,
)

__all__ = ["nok", "private_root"]

pytestmark = pytest.mark.django_db


def _backend(settings, backend: str) -> None:
    settings.TASKS = {
        **settings.TASKS,
        "imports": {"BACKEND": f"django_tasks.backends.{backend}"},
    }


@pytest.fixture
def large(nok, settings, django_user_model):
    """The published ``nok`` campaign, counted as large (more than one)."""
    cache.clear()
    settings.QP_DOCUMENT_BACKGROUND_ORGANISATIONS = 1
    campaign, editor = nok
    _publish(campaign, editor, django_user_model)
    yield campaign
    cache.clear()


def test_first_request_starts_the_build_and_then_the_file_is_served(
    large, client, settings
) -> None:
    _backend(settings, "immediate.ImmediateBackend")
    url = f"/documents/campaigns/{large.slug}/report.pdf"

    first = client.get(url)
    assert first.status_code == 202
    body = first.content.decode()
    assert "<h1>Документ готовится</h1>" in body
    assert "каждые 3\u00a0секунды" in body
    assert f'<meta http-equiv="refresh" content="3; url={url}?wait=1">' in body
    assert "<script" not in body.split("</head>")[0].split("<title>")[1]
    [stored] = stored_documents("documents")
    assert stored.startswith(f"documents/results/{large.slug}/v1-")

    ready = client.get(f"{url}?wait=1")
    assert ready.status_code == 200
    assert "<h1>Документ готов</h1>" in ready.content.decode()
    assert f'<meta http-equiv="refresh" content="0; url={url}">' in (
        ready.content.decode()
    )

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    assert response["Content-Disposition"] == (
        f'attachment; filename="nok-{large.slug}-v1.pdf"'
    )
    mean = selectors.aggregates(large)["region"]["total"].mean
    assert f"Средний итоговый балл по краю {n(mean)}" in pdf_text(response.content)
    # served from the store: nothing is built again
    assert stored_documents("documents") == [stored]


def test_concurrent_requests_start_one_build_and_show_its_progress(
    large, client, settings
) -> None:
    _backend(settings, "dummy.DummyBackend")
    url = f"/documents/campaigns/{large.slug}/report.docx"
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 202
        assert "В очереди: 0 %" in response.content.decode()
    [queued] = task_backends["imports"].results
    assert stored_documents("documents") == []

    # The worker runs the task (here, in this thread).
    name = background.build_document.call(*queued.args, **queued.kwargs)
    assert name.startswith(f"documents/results/{large.slug}/v1-")
    assert name.endswith(".docx")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert len(task_backends["imports"].results) == 1


def test_progress_page_shows_the_stage_of_a_running_build(
    large, client, settings
) -> None:
    _backend(settings, "dummy.DummyBackend")
    url = f"/documents/campaigns/{large.slug}/report.pdf"
    client.get(url)
    [queued] = task_backends["imports"].results
    key = queued.args[0]
    background._set(key, stage="Вёрстка", percent=35)
    body = client.get(f"{url}?wait=1").content.decode()
    assert '<p id="document-progress-label">Вёрстка: 35 %</p>' in body
    assert '<progress max="100" value="35"' in body


def test_a_stopped_build_counts_as_failed_and_can_be_retried(
    large, client, settings, monkeypatch
) -> None:
    _backend(settings, "dummy.DummyBackend")
    url = f"/documents/campaigns/{large.slug}/report.pdf"
    client.get(url)
    [queued] = task_backends["imports"].results
    key = queued.args[0]
    now = background.time.time()
    monkeypatch.setattr(
        background.time, "time", lambda: now + background.STALE_SECONDS + 1
    )
    response = client.get(url)
    assert response.status_code == 500
    assert "Формирование документа прервано" in response.content.decode()
    assert f'href="{url}?retry=1&amp;wait=1"' in response.content.decode()
    assert background.get_state(key)["status"] == background.FAILED


def test_a_failed_build_is_the_russian_error_page_and_can_be_retried(
    large, client, settings, monkeypatch, caplog
) -> None:
    _backend(settings, "immediate.ImmediateBackend")
    url = f"/documents/campaigns/{large.slug}/report.pdf"
    with monkeypatch.context() as patch:
        # WeasyPrint cannot be loaded (as without Pango on the machine).
        patch.setitem(sys.modules, "weasyprint", None)
        with caplog.at_level("ERROR", logger="publications.documents"):
            response = client.get(url)
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Документ не сформирован</h1>" in body
    assert "не установлена библиотека WeasyPrint" in body
    assert f'href="{url}?retry=1&amp;wait=1"' in body
    assert "WeasyPrint is not available" in caplog.text
    assert stored_documents("documents") == []
    # Asking again without retrying shows the same failure, builds nothing.
    assert client.get(url).status_code == 500
    assert stored_documents("documents") == []

    # WeasyPrint is back: the retry builds the file.
    retried = client.get(f"{url}?retry=1&wait=1")
    assert retried.status_code == 202
    assert len(stored_documents("documents")) == 1
    # A second click on the same (old) retry link does not build again.
    assert client.get(f"{url}?retry=1&wait=1").status_code == 200
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == PDF


def test_small_reports_are_built_in_the_request(nok, client, django_user_model):
    campaign, editor = nok
    _publish(campaign, editor, django_user_model)
    cache.clear()
    assert background.threshold() == 300
    response = client.get(f"/documents/campaigns/{campaign.slug}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
