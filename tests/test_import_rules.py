"""Ports point one way: dispatch/, reports/ and nlp/ know nothing of WeChat or HTTP; nlp/ nothing of the database."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "dispatch": {"wechatpy", "aiohttp", "bot", "web", "nlp"},
    "reports": {"wechatpy", "aiohttp", "bot", "web", "dispatch", "duties", "nlp"},
    "nlp": {"wechatpy", "aiohttp", "sqlmodel", "sqlalchemy", "alembic", "psycopg", "sqlite3", "models",
            "bot", "web", "dispatch"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_stay_inside_their_port(package):
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    offences = {f"{f.relative_to(ROOT)} imports {sorted(imported_roots(f) & FORBIDDEN[package])}"
                for f in files if imported_roots(f) & FORBIDDEN[package]}
    assert not offences


def test_the_rule_checker_sees_nested_and_from_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from aiohttp import web\n    import wechatpy.crypto\n", encoding="utf-8")
    assert imported_roots(sample) == {"aiohttp", "wechatpy"}


# bot/, web/, duties/ and demo/ come into dispatch through its port only: dispatch/api.py (DispatchPort and the
# values it takes and returns), never its modules, and never the Dispatcher's internals (`.deps`).
BEHIND_THE_PORT = ("bot", "web", "duties", "demo")


def dispatch_modules_used(path: Path) -> set[str]:
    """The dispatch modules a file imports, and `.deps` if it reads the dispatcher's internals."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            used |= {alias.name for alias in node.names if alias.name.split(".")[0] == "dispatch"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "dispatch":
                used |= {f"dispatch.{alias.name}" for alias in node.names}
            elif node.module.startswith("dispatch."):
                used.add(node.module)
        elif isinstance(node, ast.Attribute) and node.attr == "deps":
            used.add(".deps")
    return used


@pytest.mark.parametrize("package", BEHIND_THE_PORT)
def test_package_uses_dispatch_only_through_its_port(package):
    offences = {f"{f.relative_to(ROOT)} uses {sorted(dispatch_modules_used(f) - {'dispatch.api'})}"
                for f in (ROOT / package).rglob("*.py") if dispatch_modules_used(f) - {"dispatch.api"}}
    assert not offences


def test_the_port_checker_sees_modules_names_and_internals(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from dispatch import outbox, api\nimport dispatch.service\nfrom dispatch.api import Report\n"
                      "def f(d):\n    from dispatch.supervision import supervise\n    return d.deps.engine\n",
                      encoding="utf-8")
    assert dispatch_modules_used(sample) == {"dispatch.outbox", "dispatch.api", "dispatch.service",
                                             "dispatch.supervision", ".deps"}
