"""The import direction of docs/ARCHITECTURE.md: no room of the app reaches upward.

A plain walk over every module's syntax tree (imports inside functions included): each
``articles.<room>`` import is checked against the rooms that room may use.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "articles"

# What each room may import from the app, besides itself. Lowest first.
ALLOWED = {
    "platform": set(),
    "models": {"platform"},
    "tagging": {"models", "platform"},
    "caching": {"models", "platform"},
    "editorial": {"caching", "models", "platform", "tagging"},
    "wire": {"caching", "editorial", "models", "platform", "tagging"},
    "public": {"caching", "editorial", "models", "platform", "tagging"},
    "accounts": {"editorial", "models", "platform"},
    "templatetags": {"caching", "models", "platform", "public"},
    "admin": {"accounts", "caching", "editorial", "models", "platform", "public", "tagging"},
    "management": {"caching", "editorial", "models", "platform", "tagging", "wire"},
    "api": {"caching", "editorial", "models", "platform", "public", "tagging", "wire"},
}
# The app's entry points (settings name them) and its migrations may use any room.
UNCHECKED = {"apps", "__init__", "migrations"}


def room_of(module):
    """``articles.public.views`` -> ``public``; None outside the app."""
    parts = module.split(".")
    if parts[0] != "articles":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(path, module):
    """Every module the file imports, with the line, relative imports resolved."""
    tree = ast.parse(path.read_text(), str(path))
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            if base == "articles":  # from articles import models, tagging
                for alias in node.names:
                    yield f"articles.{alias.name}", node.lineno
            else:
                yield base, node.lineno


def forbidden_imports(app=APP):
    """(file, line, importer room, imported module) for each import that reaches up."""
    found = []
    for path in sorted(app.rglob("*.py")):
        relative = path.relative_to(app.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        room = room_of(module)
        if room in UNCHECKED or room not in ALLOWED:
            continue
        for imported, line in imported_modules(path, module):
            target = room_of(imported)
            if target is None or target == room:
                continue
            if target not in ALLOWED[room]:
                found.append((str(path.relative_to(app.parent)), line, room, imported))
    return found


def test_every_room_is_known():
    """A new sub-package must say where it stands (add it to ALLOWED and the doc)."""
    rooms = {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in APP.glob("*.py")}
    assert rooms | modules <= set(ALLOWED) | UNCHECKED | {"data", "demo"}


def test_no_room_imports_one_above_it():
    assert forbidden_imports() == []


@pytest.mark.parametrize("room, line, allowed", [
    ("models", "from articles.public.views import home", False),
    ("tagging", "from articles.admin import site", False),
    ("public", "from articles.wire.plaintext import parse_wire", False),
    ("platform", "from articles import models", False),
    ("editorial", "    from articles.public import selectors", False),
    ("public", "from articles.editorial import workflow", True),
])
def test_a_planted_import_is_caught(tmp_path, room, line, allowed):
    """The check itself can fail: an import planted in a copy of a room is reported."""
    app = tmp_path / "articles"
    (app / room).mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / room / "__init__.py").write_text("")
    body = f"def planted():\n{line}\n" if line.startswith(" ") else f"{line}\n"
    (app / room / "planted.py").write_text(body)
    assert (forbidden_imports(app) == []) is allowed
