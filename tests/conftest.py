"""Shared fixtures. Tests run against a real database: SQLite by default, PostgreSQL when
DATABASE_URL is set (as in CI)."""

from pathlib import Path

import pytest

from shop.celery import app as celery_app


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Production-like settings stay on, minus what a test client cannot satisfy."""
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "zh-hans"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: with Redis (CI) the cache outlives the test run,
    and single-use form tokens of an earlier run would otherwise look like double posts."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_region_reference():
    """The counties and townships a process keeps (shop.regions.selectors) are read anew in
    each test: test databases come and go, a deployment's regions do not."""
    from shop.regions.selectors import region_reference_forget

    region_reference_forget()


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process unless a test starts a real worker (``celery_worker``)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def regions(db):
    from shop.regions.selectors import region_reference
    from shop.regions.services import regions_load

    regions_load()
    region_reference()  # what a running process keeps, loaded once as in production


def pytest_configure(config):
    """WhiteNoise expects STATIC_ROOT to exist (collectstatic makes it in production)."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
