"""Migrations run against the models of their own time, so they must not import the
application's models or services (which change): data migrations use ``apps.get_model`` and
carry frozen copies of what they compute. The only application modules a migration may name
are what Django's serializer writes for a field: the money field class, the storage callables
and the credit-code validator."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("shop", "catalog", "suppliers", "orders", "frontend", "bench")
FIELD_REFERENCES = {"shop.common.money", "shop.common.storage", "suppliers.validators"}


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_migrations_import_no_application_code():
    migrations = sorted(p for p in ROOT.glob("**/migrations/0*.py") if ".venv" not in p.parts)
    assert len(migrations) > 20
    offending = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imported_modules(path)
            if name.split(".")[0] in APP_PACKAGES and name not in FIELD_REFERENCES
        )
        for path in migrations
    }
    assert {k: v for k, v in offending.items() if v} == {}
