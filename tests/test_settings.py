"""The run modes: embedded by default, production from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'debug': s.DEBUG, 'lang': s.LANGUAGE_CODE, 'cache': s.CACHES['default']['BACKEND']}))"
)


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    return {**keep, "DJANGO_SETTINGS_MODULE": "shop.settings", **extra}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=120
    )


def test_no_configuration_means_sqlite_eager_celery_and_chinese():
    import json

    out = _run(["-c", PROBE])
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe == {
        "engine": "django.db.backends.sqlite3", "eager": True, "debug": True, "lang": "zh-hans",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
    }


def test_environment_selects_postgres_redis_and_a_real_broker():
    import json

    out = _run(
        ["-c", PROBE], DATABASE_URL="postgres://u@127.0.0.1:5432/shop", REDIS_URL="redis://127.0.0.1:6379/0",
        SECRET_KEY="k" * 60,
    )
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["engine"] == "django.db.backends.postgresql"
    assert probe["eager"] is False and probe["debug"] is False
    assert probe["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_production_settings_pass_the_deploy_check_without_warnings():
    out = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DATABASE_URL="postgres://u@127.0.0.1:5432/shop", SECRET_KEY="Zx9-" + "q7Lm2Pw8" * 8,
        ALLOWED_HOSTS="shop.example.cn",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key():
    out = _run(["manage.py", "check"], DEBUG="0")
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr
