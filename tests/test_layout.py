"""House rules of the code's shape (issue 14, DESIGN.md section 5): no module over 400 lines
and no function over 80 lines in the application packages, the tests, the benchmarks and the
scripts (migrations aside). The known exceptions are listed; a new one fails here."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("catalog", "suppliers", "orders", "frontend", "shop", "tests", "bench", "scripts")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
KNOWN_LONG_MODULES: set[str] = set()
KNOWN_LONG_FUNCTIONS: set[str] = set()


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            name = "/".join(parts)
            if "migrations" not in parts:
                yield name, path.read_text(encoding="utf-8")


def test_no_module_is_over_400_lines():
    long = {
        name: len(text.splitlines())
        for name, text in _modules()
        if len(text.splitlines()) > MAX_MODULE_LINES and name not in KNOWN_LONG_MODULES
    }
    assert long == {}


def test_no_function_is_over_80_lines():
    long = {}
    for name, text in _modules():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES and f"{name}:{node.name}" not in KNOWN_LONG_FUNCTIONS:
                    long[f"{name}:{node.lineno} {node.name}"] = lines
    assert long == {}
