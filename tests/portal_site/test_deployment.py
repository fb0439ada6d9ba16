"""Static validation of the deployment files (Docker does not run here).

``docker compose config`` is not available on the development machine, so
these tests check what the files promise: the services, their versions, the
wiring of environment variables, a non-root multi-stage image with a
healthcheck. They read the real files and fail if a promise is broken.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_compose_runs_the_app_with_postgresql_15_and_elasticsearch_8(compose) -> None:
    services = compose["services"]
    assert services["db"]["image"].split(":")[1].startswith("15")
    es_image = services["elasticsearch"]["image"]
    assert re.search(r":8\.\d+\.\d+$", es_image), es_image
    es_env = services["elasticsearch"]["environment"]
    assert es_env["discovery.type"] == "single-node"
    assert "-Xmx512m" in es_env["ES_JAVA_OPTS"]
    for name in ("db", "elasticsearch"):
        assert "healthcheck" in services[name]


def test_compose_app_is_configured_only_through_documented_variables(compose) -> None:
    app = compose["services"]["app"]
    env = app["environment"]
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
    assert "?" in env["SECRET_KEY"], "SECRET_KEY must be required, not defaulted"
    readme = (ROOT / "README.md").read_text()
    for variable in env:
        assert f"`{variable}`" in readme, f"{variable} is not documented in README.md"
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_dockerfile_is_multi_stage_non_root_with_healthcheck(dockerfile) -> None:
    stages = re.findall(r"^FROM\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert len(stages) >= 2
    assert all(image.startswith("python:3.11") for image in stages)
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*", dockerfile, flags=re.MULTILINE)
    assert "/healthz/" in dockerfile
    assert re.search(r'^CMD \["gunicorn"', dockerfile, flags=re.MULTILINE)
    assert "portal_site.settings.production" in dockerfile


def test_dockerfile_installs_exactly_the_project_dependencies(dockerfile) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "['project']['dependencies']" in dockerfile
    assert "-c constraints.txt" in dockerfile
    pinned = {
        line.split("==")[0].lower()
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    for requirement in project["dependencies"]:
        name = re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower()
        assert name in pinned, f"{name} is not pinned in constraints.txt"


def test_static_files_are_served_by_whitenoise() -> None:
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    index = settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert (
        settings.MIDDLEWARE[index - 1]
        == "django.middleware.security.SecurityMiddleware"
    )


def test_compose_runs_a_task_worker_that_shares_the_private_files(compose) -> None:
    services = compose["services"]
    worker = services["worker"]
    command = " ".join(worker["command"])
    # Imports a killed worker left running are failed before it starts again.
    assert command.index("recover_imports") < command.index("db_worker")
    assert "--backend imports" in command
    assert worker["environment"] == services["app"]["environment"]
    private = [v for v in services["app"]["volumes"] if v.endswith(":/app/private")]
    assert private and private[0] in worker["volumes"]


def test_production_imports_wait_in_the_database_for_the_worker() -> None:
    import subprocess
    import sys

    code = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.TASKS['imports']['BACKEND'])"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.production",
        "SECRET_KEY": "x" * 60,
        "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "django_tasks_db.DatabaseBackend"
