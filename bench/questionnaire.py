"""Accepted online questionnaires per second on a production-like server.

Target (issue #8): at least ``TARGET_RPS`` accepted submissions per second
sustained for 60 s on this machine, and afterwards exactly as many online
questionnaires in the database as the server accepted (HTTP 303).

Subject: ``POST /q/<code>/`` with a complete, valid questionnaire (random
yes/no answers, skips respected, a short suggestion on one in ten) for one of
``ORGANISATIONS`` organisations of an open campaign, each from its own client
address. Every abuse rule runs as in production: the honeypot and the signed
form ticket (tickets are issued in a spawned Django process with the server's
``SECRET_KEY``, backdated past the minimum fill time, one per submission),
the open window, the rate limits per address (20 an hour) and per
organisation (300 an hour; ``ORGANISATIONS`` is chosen so the load stays
under it) and the duplicate check. Client addresses come from
``X-Forwarded-For``, which the app trusts only because the run configures one
trusted proxy (``QP_TRUSTED_PROXIES=1``, as behind the production nginx);
no limit is lifted.

Baseline (same server, same client, same run): ``GET /healthz/``.

Server: gunicorn with ``gunicorn.conf.py`` (threaded workers, ``CPU + 1``
processes of four threads, access log on) and ``portal_site.settings.production`` on loopback, the
machinery of :mod:`bench.api`; database: a fresh database on a throwaway
PostgreSQL 15 cluster (``scripts/services.py``; fsync off, as for every
benchmark here), migrated and filled in a spawned process.

Client: ``CLIENT_PROCESSES`` processes, each running ``concurrency`` asyncio
connections on uvloop (each request is a new loopback TCP connection,
``Connection: close``, as a browser's first visit would be); it competes with
the server for the two cores, and its CPU per request is reported. Requests completed in the timed part (after ``WARMUP_SECONDS``) are
counted, per second too: "sustained" is the slowest whole second.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlencode

from bench import api

TARGET_RPS = 300.0
ORGANISATIONS = 200
WARMUP_SECONDS = 3.0
CLIENT_PROCESSES = 1
#: Tickets prepared per second of load: far above what the server can take.
TICKETS_PER_SECOND = 900
HOST = api.HOST
SKIPS = {"q2": "q1", "q4": "q3", "q8": "q7", "q12": "q11"}


@dataclass
class Tally:
    """What one client saw: statuses and accepted submissions per second."""

    statuses: dict[int, int] = field(default_factory=dict)
    per_second: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    #: Every 303 of the run, warm-up and requests finishing late included:
    #: the database must hold exactly this many new questionnaires.
    accepted_all: int = 0
    #: CPU seconds the client process spent (it shares the cores with the server).
    cpu_seconds: float = 0.0
    requests: int = 0

    def merge(self, other: Tally) -> None:
        for key, value in other.statuses.items():
            self.statuses[key] = self.statuses.get(key, 0) + value
        for key, value in other.per_second.items():
            self.per_second[key] = self.per_second.get(key, 0) + value
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.accepted_all += other.accepted_all
        self.cpu_seconds += other.cpu_seconds
        self.requests += other.requests


def run(*, seconds: float, concurrency: int) -> int:
    """Serve, load the baseline and the questionnaire, count rows; 1 if a target fails."""
    from scripts import services

    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="qp-bench-questionnaire-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        server = cleanup.enter_context(
            services.postgresql(
                log=lambda line: print(f"[questionnaire] postgresql: {line}")
            )
        )
        environment = {
            **api._environment(workdir),
            "QP_TRUSTED_PROXIES": "1",
            "LOG_LEVEL": "WARNING",
        }
        api._collectstatic(environment, workdir)
        url = api._fresh_database(server, workdir, ORGANISATIONS, cleanup)
        env = {**environment, "DATABASE_URL": url}
        tickets_file = workdir / "bodies.jsonl"
        count = int((seconds + WARMUP_SECONDS + 2) * TICKETS_PER_SECOND)
        started = time.perf_counter()
        with ProcessPoolExecutor(
            max_workers=1, mp_context=get_context("spawn")
        ) as pool:
            codes = pool.submit(prepare, env, count, str(tickets_file)).result()
        print(
            f"[questionnaire] migrated, {ORGANISATIONS} organisations, {count} form "
            f"tickets in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with api._gunicorn(env, workdir / "gunicorn.log") as (port, logs):
            workers = api._booted_workers(logs)
            load_before = os.getloadavg()
            baseline = _load(port, None, seconds, concurrency)
            before_rows = _count_rows(url)
            subject = _load(port, tickets_file, seconds, concurrency)
            load_after = os.getloadavg()
        rows = _count_rows(url) - before_rows
        flagged = _count_rows(url, flagged=True)
    return _report(
        baseline,
        subject,
        rows,
        flagged,
        seconds=seconds,
        concurrency=concurrency,
        workers=workers,
        loads=(load_before, load_after),
        codes=codes,
    )


# --------------------------------------------------------------- spawned: data


def prepare(env: dict[str, str], count: int, path: str) -> int:
    """In a fresh process: migrate, create the campaign, write request bodies."""
    os.environ.update(env)
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from evaluation.enums import CampaignKind, CampaignStatus, OrganisationKind
    from evaluation.models import Campaign, District, OnlineQuestionnaire, Organisation
    from evaluation.questionnaire import abuse

    call_command("migrate", verbosity=0, interactive=False)
    district = District.objects.create(name="Район", slug="district")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Организация {n}",
            short_name=f"Орг {n}",
            slug=f"org-{n}",
            code=f"B{n:04d}",
            kind=OrganisationKind.COMPLEX_CENTRE,
            district=district,
        )
        for n in range(ORGANISATIONS)
    )
    now = timezone.now()
    campaign = Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=now.year,
        title="Декада (нагрузочный тест)",
        slug="bench-decade",
        period_start=now.date(),
        period_end=now.date() + dt.timedelta(days=10),
        status=CampaignStatus.COLLECTING,
    )
    campaign.organisations.set(organisations)
    OnlineQuestionnaire.objects.create(
        campaign=campaign,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
    )
    rng = random.Random(8)
    issued = time.time() - 120
    with open(path, "w", encoding="ascii") as out:
        for number in range(count):
            organisation = organisations[number % len(organisations)]
            answers: dict[str, str] = {}
            for n in range(1, 16):
                code = f"q{n}"
                parent = SKIPS.get(code)
                if parent and answers.get(parent) != "yes":
                    continue
                answers[code] = "yes" if rng.random() < 0.8 else "no"
            form = {
                "ticket": abuse.issue_ticket(campaign.pk, organisation.pk, issued),
                **answers,
                "website": "",
                "suggestion": "Больше скамеек в холле" if number % 10 == 0 else "",
                "sex": rng.choice(["", "f", "m"]),
            }
            # 10.x.y.z: a /24 network per 256 submissions, an address each.
            address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
            out.write(json.dumps([organisation.code, urlencode(form), address]) + "\n")
    connection.close()
    return len(organisations)


# ------------------------------------------------------------------- the load


def _load(port: int, bodies: Path | None, seconds: float, concurrency: int) -> Tally:
    """Run the clients; ``bodies`` None loads the baseline ``/healthz/``."""
    requests: list[list[bytes]] = [[] for _ in range(CLIENT_PROCESSES)]
    if bodies is None:
        request = (
            f"GET /healthz/ HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
        ).encode()
        requests = [[request] for _ in range(CLIENT_PROCESSES)]
    else:
        with bodies.open(encoding="ascii") as lines:
            for number, line in enumerate(lines):
                code, body, address = json.loads(line)
                data = body.encode()
                requests[number % CLIENT_PROCESSES].append(
                    (
                        f"POST /q/{code}/ HTTP/1.1\r\nHost: {HOST}\r\n"
                        "Content-Type: application/x-www-form-urlencoded\r\n"
                        f"Content-Length: {len(data)}\r\nX-Forwarded-For: {address}\r\n"
                        "Connection: close\r\n\r\n"
                    ).encode()
                    + data
                )
    start_at = time.time() + 1.0
    with ProcessPoolExecutor(
        max_workers=CLIENT_PROCESSES, mp_context=get_context("fork")
    ) as pool:
        futures = [
            pool.submit(
                _client,
                port,
                chunk,
                bodies is None,
                start_at,
                seconds,
                max(1, concurrency // CLIENT_PROCESSES),
            )
            for chunk in requests
        ]
        tally = Tally()
        for future in futures:
            tally.merge(future.result())
    return tally


def _client(
    port: int,
    requests: list[bytes],
    repeat: bool,
    start_at: float,
    seconds: float,
    concurrency: int,
) -> Tally:
    # The load generator shares the two cores with the server: uvloop halves
    # the event loop's own CPU per request (QP_BENCH_PLAIN_LOOP=1: asyncio's).
    factory = None
    if not os.environ.get("QP_BENCH_PLAIN_LOOP"):
        import uvloop

        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(
            _clients(port, requests, repeat, start_at, seconds, concurrency)
        )


async def _clients(
    port: int,
    requests: list[bytes],
    repeat: bool,
    start_at: float,
    seconds: float,
    concurrency: int,
) -> Tally:
    tally = Tally()
    await asyncio.sleep(max(0.0, start_at - time.time()))
    cpu_started = time.process_time()
    timed_from = start_at + WARMUP_SECONDS
    stop_at = timed_from + seconds
    position = 0

    async def worker() -> None:
        nonlocal position
        while True:
            now = time.time()
            if now >= stop_at:
                return
            if repeat:
                request = requests[0]
            else:
                if position >= len(requests):
                    return
                request = requests[position]
                position += 1
            began = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection(HOST, port)
                writer.write(request)
                await writer.drain()
                data = await reader.read()
                writer.close()
                status = int(data[9:12])
            except (OSError, ValueError):
                status = 0
            done = time.time()
            tally.accepted_all += status == 303
            tally.requests += 1
            if timed_from <= done < stop_at:
                if status == 0:
                    tally.errors += 1
                tally.statuses[status] = tally.statuses.get(status, 0) + 1
                tally.latencies.append(time.perf_counter() - began)
                if status in (200, 303):
                    second = int(done - timed_from)
                    tally.per_second[second] = tally.per_second.get(second, 0) + 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    tally.cpu_seconds = time.process_time() - cpu_started
    return tally


def _count_rows(url: str, *, flagged: bool = False) -> int:
    import psycopg

    query = (
        "SELECT count(*) FROM qp_evaluation_onlinesubmission WHERE review = 'flagged'"
        if flagged
        else "SELECT count(*) FROM qp_evaluation_surveyresponse "
        "WHERE channel = 'online_form'"
    )
    with psycopg.connect(url) as connection:
        return int(connection.execute(query).fetchone()[0])


# ------------------------------------------------------------------ the report


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _figures(tally: Tally, seconds: float) -> tuple[float, int, float, float]:
    ok = sum(tally.per_second.values())
    whole = [tally.per_second.get(s, 0) for s in range(int(seconds))]
    return (
        ok / seconds,
        min(whole) if whole else 0,
        *(_percentile(tally.latencies, p) * 1000 for p in (0.5, 0.95)),
    )


def _report(
    baseline: Tally,
    subject: Tally,
    rows: int,
    flagged: int,
    *,
    seconds: float,
    concurrency: int,
    workers: int,
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
    codes: int,
) -> int:
    base_rps, base_min, base_p50, base_p95 = _figures(baseline, seconds)
    rps, slowest, p50, p95 = _figures(subject, seconds)
    accepted = subject.statuses.get(303, 0)
    print(
        f"\n[questionnaire] gunicorn {api.worker_description(workers)}, {concurrency} client "
        f"connections in {CLIENT_PROCESSES} process(es), {seconds:.0f} s timed after "
        f"{WARMUP_SECONDS:.0f} s warm-up, {codes} organisations, "
        f"{multiprocessing.cpu_count()} CPUs; load average before "
        f"{loads[0][0]:.2f} / after {loads[1][0]:.2f}"
    )
    print("| endpoint | ok/s (mean) | slowest second | p50 | p95 | ratio |")
    print("|---|---|---|---|---|---|")
    print(
        f"| baseline `GET /healthz/` | {base_rps:.1f} | {base_min} | {base_p50:.1f} ms "
        f"| {base_p95:.1f} ms | 1.00× |"
    )
    print(
        f"| `POST /q/<code>/` accepted | {rps:.1f} | {slowest} | {p50:.1f} ms | "
        f"{p95:.1f} ms | {rps / base_rps if base_rps else float('nan'):.2f}× |"
    )
    series = [subject.per_second.get(s, 0) for s in range(int(seconds))]
    below = [
        (second, count) for second, count in enumerate(series) if count < TARGET_RPS
    ]
    print(
        f"[questionnaire] accepted per second: {' '.join(map(str, series))}; "
        f"{len(below)} of {len(series)} seconds below {TARGET_RPS:.0f}"
    )
    print(f"[questionnaire] statuses: {dict(sorted(subject.statuses.items()))}")
    if subject.requests:
        print(
            f"[questionnaire] client CPU: {subject.cpu_seconds * 1000 / subject.requests:.2f}"
            f" ms per request ({subject.cpu_seconds:.1f} s for {subject.requests})"
        )
    print(
        f"[questionnaire] accepted (303) in the timed part: {accepted}; in the whole "
        f"load (warm-up included): {subject.accepted_all}; new online questionnaires "
        f"in the database: {rows}; of them flagged as duplicates: {flagged}"
    )
    failed = 0
    if rows != subject.accepted_all:
        print(
            f"!!! [questionnaire] the database holds {rows} new questionnaires, "
            f"the server accepted {subject.accepted_all}"
        )
        failed = 1
    if rps < TARGET_RPS or slowest < TARGET_RPS:
        print(
            f"!!! [questionnaire] below target: {rps:.1f}/s mean, {slowest}/s in the "
            f"slowest second (target ≥ {TARGET_RPS:.0f}/s sustained)"
        )
        failed = 1
    other = {k: v for k, v in subject.statuses.items() if k != 303}
    if other:
        print(f"!!! [questionnaire] not accepted: {other}")
        failed = 1
    return failed
