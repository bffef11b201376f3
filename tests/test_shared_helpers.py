"""Test modules share helpers through helper modules (tests/support.py, tests/domain_helpers.py,
tests/e2e/helpers.py, tests/e2e/harness.py), never by importing another test module or a
conftest: a helper kept in a test file is hard to find and ties one test file to another's
insides, and a test function imported by name would be collected a second time."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_test_module(dotted: str) -> bool:
    last = dotted.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def _package_of(file: Path, root: Path) -> list[str]:
    return [root.name, *file.relative_to(root).parent.parts]


def imports_of_test_modules(root: Path) -> list[str]:
    """Every import, anywhere under ``root``, of a module named test_* or conftest."""
    found: list[str] = []
    for file in sorted(root.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    package = _package_of(file, root)
                    base = package[: len(package) - node.level + 1]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                # `from package import test_module` names the module in the imported names.
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            where = f"{file.relative_to(root)}:{getattr(node, 'lineno', 0)}"
            found += [f"{where} imports {t}" for t in targets if _is_test_module(t)]
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    assert imports_of_test_modules(TESTS) == []


def test_the_check_finds_every_way_of_importing_a_test_module(tmp_path: Path) -> None:
    root = tmp_path / "tests"
    (root / "e2e").mkdir(parents=True)
    (root / "helpers.py").write_text("from tests.support import FakeClock\n", encoding="utf-8")
    (root / "e2e" / "test_a.py").write_text(
        "from tests.e2e.test_b import _teacher\n"
        "from tests.e2e import test_c\n"
        "from . import conftest\n"
        "from .test_d import staff\n"
        "def f() -> None:\n"
        "    import tests.test_audit\n",
        encoding="utf-8",
    )
    found = imports_of_test_modules(root)
    assert [line.rsplit(" ", 1)[-1] for line in found] == [
        "tests.e2e.test_b",
        "tests.e2e.test_c",
        "tests.e2e.conftest",
        "tests.e2e.test_d",
        "tests.test_audit",
    ]
