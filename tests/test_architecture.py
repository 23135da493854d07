"""The house's rules, checked: imports point down the layers (docs/architecture.md), no module
imports a project module inside a function to dodge them, and no two modules import each other."""

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "snshelper"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# Where a project import inside a function is the right thing, and why. Nothing else may have one.
ALLOWED_IN_FUNCTIONS = {
    "AppConfig.ready": (
        "Django imports apps.py before any model is loaded; ready() is its documented place to "
        "import the modules that connect signal receivers or declare registrations."
    ),
}


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_layers_contract_holds_and_ignores_no_import():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert [c["type"] for c in contracts] == ["layers"]
    assert all("ignore_imports" not in c for c in contracts)
    assert contracts[0]["exhaustive"] is True  # a new top-level package must find its layer
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_layers_contract_fails_on_an_import_against_the_direction(tmp_path):
    """A copy of the project where the clock (core, the bottom) imports the staff dashboard."""
    shutil.copytree(PACKAGE, tmp_path / "snshelper", ignore=shutil.ignore_patterns("locale", "templates"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    clock = tmp_path / "snshelper" / "core" / "clock.py"
    clock.write_text(clock.read_text() + "\nfrom snshelper.backoffice import dashboard  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1
    assert "snshelper.core.clock -> snshelper.backoffice.dashboard" in result.stdout


def imports_inside_functions(source: str, path: str = "<source>") -> list[str]:
    """Project imports (``snshelper``) made inside a function body, except in AppConfig.ready."""
    found = []

    def visit(node, function: str | None, in_app_config: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                is_config = any(
                    getattr(b, "id", getattr(b, "attr", "")).endswith("AppConfig") for b in child.bases
                )
                visit(child, function, is_config)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                allowed = in_app_config and child.name == "ready" and function is None
                visit(child, "AppConfig.ready" if allowed else (function or child.name), False)
            else:
                if function and function not in ALLOWED_IN_FUNCTIONS:
                    names = []
                    if isinstance(child, ast.Import):
                        names = [a.name for a in child.names]
                    elif isinstance(child, ast.ImportFrom) and not child.level:
                        names = [child.module or ""]
                    elif isinstance(child, ast.ImportFrom):
                        names = ["." * child.level + (child.module or "")]
                    for name in names:
                        if name.startswith(("snshelper", ".")):
                            found.append(f"{path}:{child.lineno} imports {name} inside {function}()")
                visit(child, function, in_app_config)

    visit(ast.parse(source), None, False)
    return found


def _project_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:  # generated; Django loads them itself
            continue
        yield path


def test_no_project_module_is_imported_inside_a_function():
    found = []
    for path in _project_modules():
        found += imports_inside_functions(path.read_text(), str(path.relative_to(ROOT)))
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    from snshelper.orders import services\n",
        "class A:\n    def m(self):\n        import snshelper.wallet.ledger\n",
        "def f():\n    def g():\n        from snshelper import core\n",
        "class C(AppConfig):\n    def other(self):\n        from snshelper.x import y\n",
    ],
)
def test_the_function_import_check_finds_each_kind(source):
    assert len(imports_inside_functions(source)) == 1


def test_the_function_import_check_allows_app_config_ready_only():
    source = "class C(AppConfig):\n    def ready(self):\n        from snshelper.x import receivers\n"
    assert imports_inside_functions(source) == []


def _cycles(graph) -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    modules = sorted(m for m in graph.modules if m.startswith("snshelper"))
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    sys.setrecursionlimit(10_000)

    def connect(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph.find_modules_directly_imported_by(module):
            if not target.startswith("snshelper"):
                continue
            if target not in index:
                connect(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in modules:
        if module not in index:
            connect(module)
    return groups


def test_no_two_modules_import_each_other_even_indirectly():
    graph = grimp.build_graph("snshelper", cache_dir=None)
    graph.remove_module("snshelper")  # the package's own __init__ imports nothing
    assert _cycles(graph) == []


def test_the_cycle_check_finds_an_indirect_cycle():
    graph = grimp.ImportGraph()
    for importer, imported in [
        ("snshelper.a", "snshelper.b"),
        ("snshelper.b", "snshelper.c"),
        ("snshelper.c", "snshelper.a"),
    ]:
        graph.add_import(importer=importer, imported=imported)
    graph.add_import(importer="snshelper.d", imported="snshelper.a")
    assert _cycles(graph) == [{"snshelper.a", "snshelper.b", "snshelper.c"}]
