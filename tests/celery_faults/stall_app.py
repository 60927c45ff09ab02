"""The shop's Celery app for a worker that is to be killed in the middle of a thumbnail task.

``celery -A tests.celery_faults.stall_app worker`` runs the real ``make_thumbnails``, except
that once the task has started (``task_prerun``: received, not acknowledged) it writes a
flag file named after the image into ``$STALL_DIR`` and then waits there, so the test knows
the worker is mid-task when it kills it with SIGKILL."""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from shop.celery import app

__all__ = ["app"]


@task_prerun.connect(weak=False)
def _stall(sender=None, args=None, **kwargs):
    if sender is None or sender.name != "catalog.tasks.make_thumbnails":
        return
    Path(os.environ["STALL_DIR"], f"started-{args[0]}").touch()
    time.sleep(120)  # far longer than the test waits before killing the worker
