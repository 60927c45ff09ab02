"""The demo is seeded once for this package (it takes seconds, not milliseconds) and
flushed again after its last test, so the other packages still start from an empty database."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from shop.demo.services import DemoSummary, demo_seed


@dataclass(frozen=True)
class SeededDemo:
    summary: DemoSummary
    media_root: Path


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> SeededDemo:
    from shop.celery import app as celery_app

    media = tmp_path_factory.mktemp("demo-media")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ):
            summary = demo_seed(seed=2020)
        yield SeededDemo(summary=summary, media_root=media)
    finally:
        celery_app.conf.task_always_eager = eager
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
