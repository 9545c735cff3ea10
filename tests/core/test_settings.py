"""Settings come from the environment, fail loudly on bad values and are production-safe."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from workbench.env import env_bool, env_choice, env_int, env_secret

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
