"""Run one import in a fresh process and report its peak RSS (imports Django lazily)."""

from __future__ import annotations

import resource
from pathlib import Path


def probe(path: str, campaign_id: int, queue) -> None:
    """Set up Django, import the file into the campaign, put the max RSS (MB)."""
    import django

    django.setup()
    from evaluation.imports.engine import import_file
    from evaluation.models import Campaign

    campaign = Campaign.objects.get(pk=campaign_id)
    report = import_file(
        "survey_responses", Path(path).read_bytes(), "bench.xlsx", campaign=campaign
    )
    if not report.ok:
        queue.put(-1.0)
        return
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
