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
        SECRET_KEY="k" * 60, SITE_URL="https://shop.example.cn",
    )
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["engine"] == "django_prometheus.db.backends.postgresql"  # PostgreSQL, with query metrics
    assert probe["eager"] is False and probe["debug"] is False
    assert probe["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_production_settings_pass_the_deploy_check_without_warnings():
    out = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DATABASE_URL="postgres://u@127.0.0.1:5432/shop", SECRET_KEY="Zx9-" + "q7Lm2Pw8" * 8,
        ALLOWED_HOSTS="shop.example.cn", **PRODUCTION_SERVICES,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


PRODUCTION_SERVICES = {"REDIS_URL": "redis://127.0.0.1:6379/0", "SITE_URL": "https://shop.example.cn"}
PRODUCTION = {"DATABASE_URL": "postgres://u@127.0.0.1:5432/shop", "SECRET_KEY": "k" * 60, **PRODUCTION_SERVICES}


def test_production_refuses_to_start_without_a_shared_cache_and_broker():
    env = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    out = _run(["manage.py", "check"], **env)
    assert out.returncode != 0
    assert "Production needs REDIS_URL" in out.stderr
    out = _run(["manage.py", "check"], **env, CELERY_BROKER_URL="redis://127.0.0.1:6379/1")
    assert out.returncode != 0, "a broker without a shared cache is not enough"


def test_production_refuses_to_start_without_an_absolute_site_url():
    for site_url in ("", "/", "shop.example.cn", "ftp://shop.example.cn", "https://shop.example.cn/shop/"):
        out = _run(["manage.py", "check"], **{**PRODUCTION, "SITE_URL": site_url})
        assert out.returncode != 0, site_url
        assert "Production needs SITE_URL" in out.stderr
    assert _run(["manage.py", "check"], **PRODUCTION).returncode == 0


def test_the_demo_app_is_installed_in_production_only_when_asked_for():
    probe = "import django; django.setup(); from django.apps import apps; print(apps.is_installed('shop.demo'))"
    assert _run(["-c", probe], **PRODUCTION).stdout.strip() == "False"
    assert _run(["-c", probe], **PRODUCTION, SHOP_DEMO="1").stdout.strip() == "True"
    assert _run(["-c", probe]).stdout.strip() == "True"  # development
    out = _run(["manage.py", "seed_demo", "--help"], **PRODUCTION)
    assert out.returncode != 0 and "Unknown command" in out.stderr


def test_the_benchmarks_come_with_the_demo_only():
    probe = "import django; django.setup(); from django.apps import apps; print(apps.is_installed('bench'))"
    assert _run(["-c", probe], **PRODUCTION).stdout.strip() == "False"
    assert _run(["-c", probe], **PRODUCTION, SHOP_DEMO="1").stdout.strip() == "True"
    assert _run(["-c", probe]).stdout.strip() == "True"  # development
    out = _run(["manage.py", "bench_catalog", "--help"], **PRODUCTION)
    assert out.returncode != 0 and "Unknown command" in out.stderr


def test_production_refuses_to_start_without_a_secret_key():
    out = _run(["manage.py", "check"], DEBUG="0")
    assert out.returncode != 0
    assert "SECRET_KEY must be set" in out.stderr
