"""Production settings: a clean ``check --deploy``, HTTPS, a shared cache.

The production settings module is loaded in subprocesses (settings cannot be
swapped inside the test process), with a random secret key and a throwaway
SQLite database.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
#: Variables that would change what the production settings decide.
OVERRIDDEN = {
    "DEBUG",
    "DATABASE_URL",
    "QP_CACHE_URL",
    "QP_TRUST_FORWARDED_PROTO",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "QP_API_ANON_RATE",
}


@pytest.fixture
def production(tmp_path):
    """Run Python or ``manage.py`` under the production settings."""
    env = {key: value for key, value in os.environ.items() if key not in OVERRIDDEN}
    env.update(
        DJANGO_SETTINGS_MODULE="portal_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (our interpreter, our arguments)
            [sys.executable, *args],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


SETTINGS_DUMP = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "hsts": s.SECURE_HSTS_SECONDS,
    "subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "preload": s.SECURE_HSTS_PRELOAD,
    "redirect": s.SECURE_SSL_REDIRECT,
    "exempt": s.SECURE_REDIRECT_EXEMPT,
    "proxy": list(getattr(s, "SECURE_PROXY_SSL_HEADER", None) or []),
    "frames": s.X_FRAME_OPTIONS,
    "cache": s.CACHES["default"],
    "middleware": s.MIDDLEWARE,
}))
"""


def dump(production, **env: str) -> dict:
    result = production("-c", SETTINGS_DUMP, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_a_random_key(production) -> None:
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_notices_https_switched_off(production) -> None:
    # The same check fails when the settings it watches are off, so the clean
    # run above means something.
    result = production(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        SECURE_SSL_REDIRECT="off", SECURE_HSTS_SECONDS="0",
    )  # fmt: skip
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout


def test_https_and_frames_are_strict_by_default_and_configurable(production) -> None:
    default = dump(production)
    assert default["hsts"] == 31_536_000
    assert default["subdomains"] and default["preload"] and default["redirect"]
    assert default["exempt"] == [r"^healthz/$"]
    assert default["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert default["frames"] == "DENY"
    middleware = default["middleware"]
    for name in (
        "portal_site.middleware.ContentSecurityPolicyMiddleware",
        "portal_site.middleware.PermissionsPolicyMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ):
        assert name in middleware

    relaxed = dump(
        production,
        SECURE_SSL_REDIRECT="off",
        SECURE_HSTS_SECONDS="0",
        QP_TRUST_FORWARDED_PROTO="off",
    )
    assert relaxed["hsts"] == 0 and relaxed["redirect"] is False
    assert relaxed["proxy"] == []


def test_production_cache_is_the_database_or_redis(production) -> None:
    cache = dump(production)["cache"]
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] == "qp_cache"
    url = "redis://cache.internal:6379/2"
    cache = dump(production, QP_CACHE_URL=url)["cache"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == url
    # The client library is a dependency, so the URL is all a site needs.
    import redis

    assert redis.Redis.from_url(url).connection_pool.connection_kwargs["db"] == 2


THROTTLE = """
import django
django.setup()
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import AnonRateThrottle
from publications.cache import bump_data_version, data_version
import sys
from django.contrib.auth.models import AnonymousUser
request = APIRequestFactory().get("/api/v1/districts/", REMOTE_ADDR="192.0.2.7")
request.user = AnonymousUser()
allowed = AnonRateThrottle().allow_request(request, None)
before = data_version()
if sys.argv[1] == "bump":
    bump_data_version()
print(allowed, before, data_version())
"""


def test_throttles_and_page_versions_hold_across_processes(production) -> None:
    created = production("manage.py", "createcachetable")
    assert created.returncode == 0, created.stderr
    first = production("-c", THROTTLE, "bump", QP_API_ANON_RATE="1/min")
    second = production("-c", THROTTLE, "read", QP_API_ANON_RATE="1/min")
    assert first.returncode == 0 and second.returncode == 0, (
        first.stderr + second.stderr
    )
    allowed_1, before_1, after_1 = first.stdout.split()
    allowed_2, before_2, after_2 = second.stdout.split()
    # The second process is refused: it sees the first one's request.
    assert (allowed_1, allowed_2) == ("True", "False")
    # And it sees the version the first one bumped.
    assert int(after_1) == int(before_1) + 1 == int(before_2) == int(after_2)


@pytest.mark.django_db
def test_migrate_creates_the_database_cache_table() -> None:
    table = "qp_cache_probe"
    database_cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": table,
    }
    with override_settings(CACHES={"default": database_cache}):
        assert table not in connection.introspection.table_names()
        contenttypes = apps.get_app_config("contenttypes")
        post_migrate.send(
            sender=contenttypes,
            app_config=contenttypes,
            verbosity=0,
            interactive=False,
            using="default",
            apps=apps,
            plan=[],
        )
        assert table in connection.introspection.table_names()
        cache = caches.create_connection("default")
        cache.set("probe", "ok")
        assert cache.get("probe") == "ok"


@pytest.mark.django_db
def test_throttles_ignore_a_forwarded_for_no_proxy_vouches_for(
    client, monkeypatch, settings
) -> None:
    from rest_framework.throttling import AnonRateThrottle

    rates = {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/min"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    caches["default"].clear()

    def status(forwarded: str) -> int:
        response = client.get("/api/v1/districts/", HTTP_X_FORWARDED_FOR=forwarded)
        return response.status_code

    try:
        assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
        # No trusted proxy: a new X-Forwarded-For each time does not help.
        assert [status(f"198.51.100.{n}") for n in range(3)] == [200, 200, 429]
        # One trusted proxy: its last entry is the client.
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        caches["default"].clear()
        assert status("203.0.113.9, 198.51.100.1") == 200
        assert status("203.0.113.9, 198.51.100.1") == 200
        assert status("203.0.113.9, 198.51.100.1") == 429
        assert status("203.0.113.9, 198.51.100.2") == 200
    finally:
        caches["default"].clear()


def test_page_data_version_never_returns_to_an_old_number() -> None:
    from publications.cache import VERSION_KEY, bump_data_version, data_version

    cache = caches["default"]
    cache.delete(VERSION_KEY)
    first = data_version()
    bump_data_version()
    bumped = data_version()
    assert bumped == first + 1
    # A full cache evicts the key (the database cache culls the smallest
    # keys first): the next version is new, so no old fragment is read.
    time.sleep(0.001)
    cache.delete(VERSION_KEY)
    assert data_version() > bumped
    time.sleep(0.001)
    cache.delete(VERSION_KEY)
    bump_data_version()
    assert data_version() > bumped
