"""Services queue tasks by name (``enqueue_on_commit("orders.tasks.order_event_notify", ...)``)
so that a services module never imports a tasks module. A misspelt name would only fail when
the row is published: every name written in the code must be a registered Celery task."""

import ast
from pathlib import Path

from shop.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shop", "suppliers", "catalog", "orders", "frontend")


def _task_names_in_code() -> dict[str, str]:
    names: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "enqueue_on_commit"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    names[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return names


def test_every_task_queued_by_name_is_registered():
    names = _task_names_in_code()
    assert "orders.tasks.order_event_notify" in names  # the scan finds the by-name calls
    celery_app.loader.import_default_modules()
    unknown = {name: where for name, where in names.items() if name not in celery_app.tasks}
    assert unknown == {}
