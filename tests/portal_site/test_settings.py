"""Settings read from the environment behave as README documents."""

import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured


def _reload(module_name: str):
    sys.modules.pop(module_name, None)
    return importlib.import_module(module_name)


def test_production_settings_refuse_to_start_without_secret_key(monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DEBUG", "0")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _reload("portal_site.settings.production")


def test_dev_settings_refuse_a_missing_key_when_debug_is_off(monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DEBUG", "false")
    with pytest.raises(ImproperlyConfigured):
        _reload("portal_site.settings.dev")


def test_base_settings_read_database_url_and_time_zone(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example:5433/qp")
    monkeypatch.setenv("TIME_ZONE", "Europe/Moscow")
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example")
    base = _reload("portal_site.settings.base")
    assert base.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert base.DATABASES["default"]["PORT"] == 5433
    assert base.TIME_ZONE == "Europe/Moscow"
    assert base.ALLOWED_HOSTS == ["a.example", "b.example"]
    assert base.LANGUAGE_CODE == "ru"


def test_base_settings_default_to_sqlite_and_database_search(monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    monkeypatch.delenv("TIME_ZONE", raising=False)
    base = _reload("portal_site.settings.base")
    assert base.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert str(base.DATABASES["default"]["NAME"]).endswith("var/db.sqlite3")
    assert base.QP_SEARCH["ELASTICSEARCH_URL"] == ""
    assert base.TIME_ZONE == "Asia/Krasnoyarsk"
