"""The layers of docs/architecture.md, checked on the source: what each package may import.

A rule written only in a document drifts; this test reads every module's imports (the AST, so
imports inside functions count too) and names the first one that crosses a layer."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> prefixes of imports it must never make
FORBIDDEN = {
    "crypto": ("whistle", "flask", "werkzeug", "sqlalchemy", "datetime", "time"),
    "whistle/domain": ("whistle.services", "whistle.infra", "whistle.web", "whistle.cli", "whistle.models",
                       "flask", "werkzeug", "sqlalchemy", "nacl", "crypto"),
    "whistle/services": ("whistle.web", "whistle.cli", "flask", "werkzeug", "nacl"),
    "whistle/infra": ("whistle.web", "whistle.cli", "flask", "werkzeug", "nacl"),
    "whistle/web": ("whistle.cli", "nacl"),
}
# infra may use the services' error types (so the web maps its refusals like any other), nothing more
INFRA_MAY = ("whistle.services.errors",)


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def crosses(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(package):
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imports_of(path):
            if crosses(module, FORBIDDEN[package]):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
            if package == "whistle/infra" and crosses(module, ("whistle.services",)) \
                    and not crosses(module, INFRA_MAY):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not bad, "\n".join(bad)


def test_the_checker_sees_a_crossing(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from flask import request\n")
    assert [m for _, m in imports_of(sample) if crosses(m, FORBIDDEN["whistle/services"])] == ["flask"]


def test_no_module_in_whistle_is_much_over_400_lines():
    long = [f"{p.relative_to(ROOT)}: {n}" for p in (ROOT / "whistle").rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 420]
    assert not long, long
