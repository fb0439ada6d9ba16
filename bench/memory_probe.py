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
    queue.put(peak_rss_mb())


def peak_rss_mb() -> float:
    """This process's peak resident set (MB).

    Linux keeps ``ru_maxrss`` across ``fork`` and ``exec``, so a child spawned
    by a large benchmark process reports at least the parent's RSS at that
    moment (a 14 MB child of a 600 MB parent reports 614 MB). ``VmHWM`` is
    the high-water mark of this process image alone; ``ru_maxrss`` is the
    fallback where ``/proc`` is missing.
    """
    try:
        with Path("/proc/self/status").open() as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
