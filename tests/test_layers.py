"""The layout's rules, checked on the source itself: imports go one way, db/ has no import circle, and no
import hides inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ao3", "cogs", "db", "interactions")


def modules() -> dict[str, Path]:
    found = {"bot": ROOT / "bot.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path, *, type_checking: bool = True) -> set[str]:
    """Every module this file imports, at any depth; without `if TYPE_CHECKING:` blocks when type_checking=False."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if not type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                node.body = []
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named.add(node.module)
            named.update(f"{node.module}.{alias.name}" for alias in node.names)
    return named


def runtime_imports(path: Path) -> set[str]:
    return imports(path, type_checking=False)


def layer_of(module: str) -> str:
    return "cogs.ui" if module.startswith("cogs.ui") else module.split(".")[0]


def test_imports_go_one_way() -> None:
    allowed = {
        "ao3": {"ao3"},
        "db": {"db"},
        "interactions": {"interactions", "db"},
        "cogs.ui": {"cogs.ui", "interactions", "db", "ao3"},
        "cogs": {"cogs", "cogs.ui", "interactions", "db", "ao3"},
    }
    ours = {"ao3", "cogs", "db", "interactions", "bot"}
    wrong = []
    for module, path in modules().items():
        layer = layer_of(module)
        if layer == "bot":
            continue
        for imported in runtime_imports(path):
            if imported.split(".")[0] in ours and layer_of(imported) not in allowed[layer]:
                wrong.append(f"{module} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_the_store_never_imports_discord() -> None:
    found = [f"{m} imports {i}" for m, p in modules().items() if m.startswith("db") for i in imports(p)]
    assert not [line for line in found if " discord" in line], found


def test_db_has_no_import_circle() -> None:
    graph = {
        module: {i for i in runtime_imports(path) if i in modules() and i.startswith("db.")}
        for module, path in modules().items()
        if module.startswith("db.")
    }
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        assert module not in visiting, "import circle: " + " -> ".join([*visiting, module])
        if module in done:
            return
        visiting.append(module)
        for imported in graph.get(module, ()):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in graph:
        visit(module)


# The one deliberate exception, by module and imported package: rapidfuzz costs the bot about 2.6 MiB from
# start to stop for the rare near miss or empty search, so db/fuzzy.py loads it on first use (issue 25's idle
# target of 60 MiB); tests/test_match_worker.py checks that the started bot has not loaded it.
LAZY_IMPORTS = {("db.fuzzy", "rapidfuzz")}


def test_no_import_hides_inside_a_function() -> None:
    hidden = []
    for module, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                hidden += [
                    f"{module}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom)
                    and not (isinstance(inner, ast.ImportFrom) and (module, inner.module) in LAZY_IMPORTS)
                ]
    assert not hidden, hidden


def test_the_lazy_import_exception_is_still_used() -> None:
    """An exception left behind after its import moved would let a new hidden import of that name pass."""
    for module, package in LAZY_IMPORTS:
        tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
        top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
        inner = {
            n.module
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef)
            for n in ast.walk(f)
            if isinstance(n, ast.ImportFrom)
        }
        assert package in inner and package not in top, (module, package)
