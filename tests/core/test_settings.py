"""Settings come from the environment, fail loudly on bad values and are production-safe."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from workbench.env import (
    SettingsError,
    env_bool,
    env_choice,
    env_database_url,
    env_int,
    env_secret,
    env_url,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("0", False), ("off", False), ("", False)],
)
def test_env_bool_reads_common_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("WB_FLAG", raw)
    assert env_bool("WB_FLAG", not expected) is expected


@pytest.mark.parametrize(
    ("reader", "raw"),
    [
        pytest.param(lambda: env_bool("WB_VALUE", False), "maybe", id="bool"),
        pytest.param(lambda: env_int("WB_VALUE", 1), "ten", id="int"),
        pytest.param(lambda: env_int("WB_VALUE", 1, minimum=1), "0", id="int-minimum"),
        pytest.param(lambda: env_choice("WB_VALUE", "a", {"a", "b"}), "c", id="choice"),
    ],
)
def test_env_readers_fail_loudly_on_bad_values(
    monkeypatch: pytest.MonkeyPatch, reader, raw: str
) -> None:
    monkeypatch.setenv("WB_VALUE", raw)
    with pytest.raises(ImproperlyConfigured, match="WB_VALUE"):
        reader()


def test_env_secret_reads_file_variant(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "key"
    secret_file.write_text("from-a-file\n")
    monkeypatch.delenv("WB_SECRET", raising=False)
    monkeypatch.setenv("WB_SECRET_FILE", str(secret_file))
    assert env_secret("WB_SECRET") == "from-a-file"


def test_env_secret_refuses_both_variants(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WB_SECRET", "x")
    monkeypatch.setenv("WB_SECRET_FILE", str(tmp_path / "key"))
    with pytest.raises(ImproperlyConfigured, match="only one"):
        env_secret("WB_SECRET")


def test_env_secret_generates_once_and_keeps_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("WB_SECRET", raising=False)
    monkeypatch.delenv("WB_SECRET_FILE", raising=False)
    first = env_secret("WB_SECRET", fallback_file=tmp_path / "generated")
    assert len(first) >= 50
    assert env_secret("WB_SECRET", fallback_file=tmp_path / "generated") == first
    assert (tmp_path / "generated").stat().st_mode & 0o777 == 0o600


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment with none of the project's settings, as on a fresh laptop."""
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env["WORKBENCH_VAR_DIR"] = str(tmp_path)
    env.update(extra)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    env = _clean_env(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_needs_no_server(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);print(s.CELERY_BROKER_URL);print(s.DEBUG)"
    )
    result = _manage(_clean_env(tmp_path), "shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    engine, broker, debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert debug == "False"


def test_database_and_broker_urls_switch_engines(tmp_path: Path) -> None:
    env = _clean_env(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);print(s.CELERY_BROKER_URL);"
        "print(s.CACHES['default']['BACKEND'])"
    )
    result = _manage(env, "shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://127.0.0.1:6379/15",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_bad_setting_stops_start_with_clear_message(tmp_path: Path) -> None:
    result = _manage(_clean_env(tmp_path, WORKBENCH_HTTPS="perhaps"), "check")
    assert result.returncode != 0
    assert "WORKBENCH_HTTPS must be a boolean" in result.stderr


def _assert_one_line_naming(result: subprocess.CompletedProcess[str], variable: str) -> str:
    """Exit status 2 and a single line, naming the variable, as the last thing on stderr."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("Workbench cannot start: ")
    assert variable in line
    return line


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        pytest.param("DATABASE_URL", "nonsense", "must be a database URL", id="database-url"),
        pytest.param("DJANGO_DEBUG", "maybe", "must be a boolean", id="debug"),
        pytest.param("REDIS_URL", "localhost:6379", "must be a URL starting redis://", id="redis"),
        pytest.param("WORKBENCH_SESSION_HOURS", "0", "must be at least 1", id="minimum"),
        pytest.param("WORKBENCH_LOG_FORMAT", "xml", "must be one of", id="choice"),
    ],
)
def test_bad_setting_is_one_line_and_exit_status_2(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    result = _manage(_clean_env(tmp_path, **{variable: value}), "check")
    assert result.stderr.strip().count("\n") == 0, result.stderr
    line = _assert_one_line_naming(result, variable)
    assert expected in line
    assert value in line


def test_bad_database_url_never_prints_its_password(tmp_path: Path) -> None:
    env = _clean_env(tmp_path, DATABASE_URL="postgres://app:hunter2@db:port/workbench")
    line = _assert_one_line_naming(_manage(env, "migrate"), "DATABASE_URL")
    assert "hunter2" not in line
    assert "app:***@db" in line


def test_bad_setting_stops_the_wsgi_and_asgi_entry_points(tmp_path: Path) -> None:
    for module in ("workbench.wsgi", "workbench.asgi"):
        result = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            cwd=ROOT,
            env=_clean_env(tmp_path, DJANGO_DEBUG="maybe"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.stderr.strip().count("\n") == 0, result.stderr
        _assert_one_line_naming(result, "DJANGO_DEBUG")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["-m", "celery", "-A", "workbench", "worker"], id="celery-worker"),
        pytest.param(["-m", "celery", "-A", "workbench", "beat"], id="celery-beat"),
        # gunicorn would otherwise restart failing workers forever; its master checks first.
        pytest.param(["-m", "gunicorn", "--bind", "127.0.0.1:0"], id="gunicorn"),
    ],
)
def test_bad_setting_stops_worker_beat_and_gunicorn(tmp_path: Path, command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=_clean_env(tmp_path, DATABASE_URL="nonsense"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    _assert_one_line_naming(result, "DATABASE_URL")


@pytest.mark.parametrize(
    "raw",
    ["localhost:6379", "http://cache:6379", "redis://cache:port/0", "redis://"],
)
def test_env_url_refuses_urls_of_the_wrong_kind(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("WB_URL", raw)
    with pytest.raises(SettingsError, match="WB_URL must be a URL starting redis://"):
        env_url("WB_URL", "", schemes=("redis", "rediss"))


def test_env_url_accepts_good_urls_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WB_URL", "rediss://:secret@cache:6380/2")
    assert env_url("WB_URL", "", schemes=("redis", "rediss")) == "rediss://:secret@cache:6380/2"
    monkeypatch.setenv("WB_URL", " ")
    assert env_url("WB_URL", "redis://default/0", schemes=("redis",)) == "redis://default/0"


def test_env_database_url_reads_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WB_DB", "postgres://app@db:5432/workbench")
    config = env_database_url("WB_DB", "sqlite:////tmp/x.sqlite3")
    assert (config["ENGINE"], config["HOST"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db",
        "workbench",
    )
    monkeypatch.delenv("WB_DB")
    assert env_database_url("WB_DB", "sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
