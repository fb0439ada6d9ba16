"""Two app instances behind nginx, one task worker, PostgreSQL and Elasticsearch.

The deployment of ``docs/deployment.md`` in miniature, on loopback: two
gunicorn instances of the production settings (each with its own processes
and nothing shared but the database, the search node and the files), nginx
in front of them (round robin, X-Accel-Redirect for private files), and one
``db_worker`` for imports. It shows that state lives in the shared services,
not in a process:

* a change published through instance 1 is served by instance 2 at once
  (the page cache and its version are in the database cache);
* the calculator's limit of 60 a minute holds across both instances;
* a file uploaded to instance 1 is processed by the worker and its rows are
  served by instance 2;
* a worker killed in the middle of an import leaves no row behind, and the
  import is marked failed when a worker starts again;
* a private file is sent by nginx after the app's policy check, and nginx's
  internal location cannot be reached from outside.

The figures it measures are printed with the prefix ``multi-instance:`` and
kept in ``var/test-artefacts/<test>/figures.json`` (docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.evaluation.examples import EXAMPLE_A
from tests.evaluation.test_imports import valid_inn

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.elasticsearch,
    pytest.mark.multiinstance,
]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
PASSWORD = secrets.token_urlsafe(12)
#: Statuses of an API upload still being processed (checked, then written).
IN_PROGRESS = {"running", "previewed"}
REGISTER_HEADER = [
    "ИНН",
    "Полное наименование",
    "Краткое наименование",
    "Вид организации",
    "Район",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_http(url: str, process: subprocess.Popen, log: Path, timeout=90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url}: the process ended\n{log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer\n{log.read_text()[-3000:]}")


class Deployment:
    """The processes of one run, their addresses and their environment."""

    def __init__(self, workdir: Path, env: dict[str, str], database_url: str):
        self.workdir = workdir
        self.env = env
        self.database_url = database_url
        self.processes: dict[str, tuple[subprocess.Popen, Path]] = {}
        self.ports: dict[str, int] = {}

    def manage(self, *args: str) -> str:
        out = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [*MANAGE, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert out.returncode == 0, f"manage.py {' '.join(args)}\n{out.stderr[-3000:]}"
        return out.stdout

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen(  # noqa: S603 - fixed commands of this test
            command,
            env={**self.env, **env},
            cwd=ROOT,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = (process, log)
        return process

    def start_instance(self, name: str) -> str:
        port = _free_port()
        self.ports[name] = port
        process = self.start(
            name,
            [
                str(VENV_BIN / "gunicorn"),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "portal_site.wsgi:application",
            ],
        )
        url = f"http://127.0.0.1:{port}"
        _wait_http(f"{url}/healthz/", process, self.processes[name][1])
        return url

    def start_worker(self) -> subprocess.Popen:
        self.manage("recover_imports", "--minutes", "0")
        return self.start(
            "worker",
            [
                *MANAGE,
                "db_worker",
                "--backend",
                "imports",
                "--no-reload",
                "--interval",
                "0.2",
                "--no-startup-delay",
            ],
        )

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        process, _log = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def sql(self, query: str, *params: object) -> object:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(query, params).fetchone()[0]


NGINX_CONF = """
worker_processes 2;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    client_max_body_size 25m;
    upstream portal {{
        server 127.0.0.1:{port_1};
        server 127.0.0.1:{port_2};
    }}
    server {{
        listen 127.0.0.1:{port};
        location /_private/ {{
            internal;
            alias {private_root}/;
        }}
        location / {{
            proxy_pass http://portal;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def _database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def deployment(tmp_path, nginx_path, elasticsearch_url) -> Iterator[Deployment]:
    import psycopg

    server_url = os.environ["DATABASE_URL"]
    name = f"qp_multi_{secrets.token_hex(4)}"
    # The test runner's migrated template (see tests/conftest.py) makes the
    # deployment's ``migrate`` below find nothing left to apply.
    template = os.environ.get("QP_TEST_PG_TEMPLATE", "").strip()
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(
            f'CREATE DATABASE "{name}"'
            + (f' TEMPLATE "{template}"' if template else "")
        )
    database_url = _database_url(server_url, name)
    prefix = f"qp-multi-{secrets.token_hex(4)}"
    private_root = tmp_path / "private"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QP_", "DJANGO_", "DATABASE_", "ELASTICSEARCH_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        ELASTICSEARCH_URL=elasticsearch_url,
        ELASTICSEARCH_INDEX_PREFIX=prefix,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        QP_TRUST_FORWARDED_PROTO="false",
        QP_TRUSTED_PROXIES="1",
        QP_PRIVATE_ROOT=str(private_root),
        QP_PRIVATE_FILES_ACCEL="/_private/",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        QP_IMPORT_BACKGROUND_BYTES="1",
        QP_CALCULATOR_RATE="60/min",
        QP_API_IMPORT_RATE="1000/min",
        QP_API_USER_RATE="100000/min",
        QP_API_ANON_RATE="100000/min",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'site'}",
        LOG_LEVEL="WARNING",
    )
    run = Deployment(tmp_path, env, database_url)
    try:
        run.manage("migrate", "--noinput")
        run.manage("collectstatic", "--noinput")
        run.manage("load_demo_data", "--organisations", "12", "--responses", "120")
        run.manage(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            "get_user_model().objects.create_superuser("
            f"'multi', 'multi@example.ru', '{PASSWORD}')",
        )
        yield run
    finally:
        run.stop_all()
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        with contextlib.suppress(requests.RequestException):
            requests.delete(f"{elasticsearch_url}/{prefix}*", timeout=10)


def _login(url: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{url}/admin/login/", timeout=10)
    response = session.post(
        f"{url}/admin/login/",
        data={
            "username": "multi",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{url}/admin/login/"},
        timeout=10,
    )
    assert response.ok and "sessionid" in session.cookies, response.text[-2000:]
    return session


def _register(rows: int, first: int, district: str, label: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(REGISTER_HEADER)
    kind = "Комплексный центр социального обслуживания"
    for n in range(rows):
        name = f"{label} № {n + 1}"
        inn = valid_inn(first + n)
        writer.writerow([inn, name, name, kind, district])
    return out.getvalue().encode("cp1251")


def _upload(url: str, session: requests.Session, data: bytes, name: str) -> str:
    response = session.post(
        f"{url}/api/v1/imports/",
        data={"form": "organisations"},
        files={"file": (name, data, "text/csv")},
        headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": url},
        timeout=60,
    )
    assert response.status_code == 202, response.text[-2000:]
    return response.headers["Location"]


def _status(session: requests.Session, status_url: str, base: str) -> dict:
    path = urlsplit(status_url).path
    return session.get(f"{base}{path}", timeout=10).json()


def test_two_instances_behind_nginx_share_state_and_a_worker(
    deployment, nginx_path, artefacts_dir
) -> None:
    figures: dict[str, object] = {}
    first = deployment.start_instance("app-1")
    second = deployment.start_instance("app-2")
    port = _free_port()
    conf = deployment.workdir / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            workdir=deployment.workdir,
            user="user root root;" if os.geteuid() == 0 else "",
            port=port,
            port_1=deployment.ports["app-1"],
            port_2=deployment.ports["app-2"],
            private_root=deployment.env["QP_PRIVATE_ROOT"],
        )
    )
    nginx = deployment.start("nginx", [nginx_path, "-c", str(conf)])
    front = f"http://127.0.0.1:{port}"
    _wait_http(f"{front}/healthz/", nginx, deployment.processes["nginx"][1])
    deployment.start_worker()

    # 1. Published through instance 1, served by instance 2 at once.
    campaigns = requests.get(f"{second}/api/v1/campaigns/", timeout=10).json()
    nok = next(c for c in campaigns["results"] if c["kind"] == "nok")
    page = f"{second}/ocenka/{nok['slug']}/"
    assert requests.get(page, timeout=10).status_code == 200
    cached = requests.get(page, timeout=10)  # now from the page cache
    note = f"Проверка многосерверной работы {secrets.token_hex(3)}"
    assert note not in cached.text
    pk = deployment.sql(
        "SELECT id FROM qp_evaluation_campaign WHERE slug = %s", nok["slug"]
    )
    editor = _login(first)
    withdrawn = editor.post(
        f"{first}/admin/campaigns/lifecycle/{pk}/withdraw/",
        data={"note": note, "csrfmiddlewaretoken": editor.cookies["csrftoken"]},
        headers={"Referer": f"{first}/admin/"},
        timeout=30,
    )
    assert withdrawn.status_code in {200, 302}, withdrawn.text[-2000:]
    done = time.monotonic()
    attempts = 0
    while True:
        attempts += 1
        seen = requests.get(page, timeout=10)
        if note in seen.text or time.monotonic() - done > 10:
            break
        time.sleep(0.05)
    figures["publish_seen_on_instance_2_ms"] = round((time.monotonic() - done) * 1000)
    figures["publish_seen_attempts"] = attempts
    assert note in seen.text, "instance 2 still serves the cached page"
    assert attempts == 1, "instance 2 served the old page after the change"

    # 2. The calculator's 60 a minute hold across both instances.
    statuses = []
    for _ in range(61):
        response = requests.post(
            f"{front}/api/v1/calculator/", json=EXAMPLE_A, timeout=10
        )
        statuses.append(response.status_code)
    figures["calculator_accepted"] = statuses.count(200)
    figures["calculator_refused"] = statuses.count(429)
    assert statuses[:60] == [200] * 60, statuses
    assert statuses[60] == 429
    assert "секунд" in response.text  # the Russian throttle message
    for name in ("app-1", "app-2"):
        log = deployment.processes[name][1].read_text()
        assert "/api/v1/calculator/" in log, f"{name} served no calculator request"

    # 3. An upload to instance 1 is written by the worker and served by instance 2.
    districts = requests.get(f"{second}/api/v1/districts/", timeout=10).json()
    district = districts["results"][0]["name"]
    label = f"Центр {secrets.token_hex(2)}"
    listed = requests.get(f"{second}/api/v1/organisations/", timeout=10).json()
    started = time.monotonic()
    status_url = _upload(
        first, editor, _register(50, 5_000_000, district, label), "a.csv"
    )
    reader = _login(second)
    # An API upload is checked, then written: «previewed» passes in between.
    while (state := _status(reader, status_url, second))["status"] in IN_PROGRESS:
        assert time.monotonic() - started < 120, state
        time.sleep(0.1)
    figures["import_50_rows_s"] = round(time.monotonic() - started, 2)
    assert state["status"] == "applied", json.dumps(state, ensure_ascii=False)
    after = requests.get(f"{second}/api/v1/organisations/", timeout=10).json()
    assert after["count"] == listed["count"] + 50
    names = {item["name"] for item in after["results"]}
    names |= {
        item["name"]
        for page in range(2, after["count"] // 50 + 2)
        for item in requests.get(
            f"{second}/api/v1/organisations/", params={"page": page}, timeout=10
        ).json()["results"]
    }
    assert f"{label} № 50" in names

    # 4. A worker killed mid-import writes nothing; the import is failed later.
    before = deployment.sql("SELECT count(*) FROM qp_evaluation_organisation")
    big = _register(30_000, 6_000_000, district, "Крупный центр")
    status_url = _upload(first, editor, big, "big.csv")
    started = time.monotonic()
    # Killed while writing: inside the write's transaction, the worst moment.
    while (state := _status(reader, status_url, second))["progress"]["stage"] != (
        "Запись"
    ):
        assert state["status"] in IN_PROGRESS, f"finished before the kill: {state}"
        assert time.monotonic() - started < 180, state
        time.sleep(0.02)
    time.sleep(0.2)
    deployment.kill("worker", signal.SIGKILL)
    figures["killed_at_stage"] = state["progress"]["stage"]
    assert deployment.sql("SELECT count(*) FROM qp_evaluation_organisation") == before
    deployment.start_worker()
    state = _status(reader, status_url, second)
    assert state["status"] == "failed", state
    assert "Загрузите файл ещё раз" in state["errors"][0]["message"]
    assert deployment.sql("SELECT count(*) FROM qp_evaluation_organisation") == before

    # 5. Private files: nginx sends them after the policy check, never directly.
    record = deployment.sql(
        "SELECT file FROM qp_evaluation_importrecord ORDER BY id LIMIT 1"
    )
    download = editor.get(f"{front}/files/{record}", timeout=10)
    assert download.status_code == 200
    assert download.content.startswith("ИНН".encode("cp1251"))
    assert "X-Accel-Redirect" not in download.headers
    assert requests.get(f"{front}/files/{record}", timeout=10).status_code == 404
    assert requests.get(f"{front}/_private/{record}", timeout=10).status_code == 404

    report = json.dumps(figures, ensure_ascii=False)
    (artefacts_dir / "figures.json").write_text(report)
    print("multi-instance:", report)  # noqa: T201 - the run's figures, for the docs
