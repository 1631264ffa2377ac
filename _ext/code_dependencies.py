"""Re-execute a chapter when the code it imports from `afe` changes.

Jupyter Book's execution cache keys a notebook on its own code cells only, so
an edit in `code/afe/` would leave stale outputs in the book. This Sphinx
extension closes that gap:

1. For every notebook it finds the `afe` modules the notebook imports, follows
   their imports inside `afe` (and the packages that contain them), and adds
   any data file of `afe` that one of those modules names (for example
   ``mnist_reference.json``).
2. It hashes those files into a fingerprint per notebook and keeps the
   fingerprints beside the execution cache (``afe-code-dependencies.json``).
3. Before Sphinx reads the sources, every notebook whose fingerprint changed
   loses its cache records and is read again, so it is executed with the new
   code. Pages that paste glued values from other documents (``path::key``),
   such as the claims ledger, are read again whenever a notebook is.

A notebook with no fingerprint on record (a cache made before this extension,
or by hand) counts as changed. Everything here is plain functions of paths, so
the tests call them directly.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path

PACKAGE = "afe"
MANIFEST = "afe-code-dependencies.json"
CROSS_GLUE = re.compile(r"\{glue(?::\w+)?\}`[^`]*::|:doc:\s*\S")


def package_modules(package_dir: Path) -> dict[str, Path]:
    """Map every module of the package (dotted name) to its file."""
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported_names(source: str, module: str = "", is_package: bool = False) -> set[str]:
    """Dotted names a piece of Python imports, relative imports resolved against `module`.

    ``from a.b import c`` yields both ``a.b`` and ``a.b.c`` (c may be a module).
    """
    names: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # IPython magics and shell escapes are not Python; drop those lines.
        cleaned = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        tree = ast.parse(cleaned)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def _with_parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def module_closure(roots: set[str], modules: dict[str, Path]) -> set[str]:
    """Every package module that importing `roots` executes."""
    seen: set[str] = set()
    todo = [p for name in roots for p in _with_parents(name) if p in modules]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = modules[name]
        found = imported_names(path.read_text(), name, is_package=path.name == "__init__.py")
        todo += [p for dep in found for p in _with_parents(dep) if p in modules and p not in seen]
    return seen


def data_files(package_dir: Path) -> list[Path]:
    return sorted(p for p in package_dir.rglob("*")
                  if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts)


def notebook_sources(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def dependencies(notebook: Path, package_dir: Path) -> list[Path]:
    """The package files a notebook's output depends on."""
    modules = package_modules(package_dir)
    roots = {n for n in imported_names(notebook_sources(notebook)) if n.split(".")[0] == PACKAGE}
    used = module_closure(roots, modules)
    files = {modules[name] for name in used}
    texts = "\n".join(modules[name].read_text() for name in used)
    files.update(p for p in data_files(package_dir) if p.name in texts)
    return sorted(files)


def fingerprint(files: list[Path], base: Path) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprints(notebooks: list[Path], package_dir: Path) -> dict[str, str]:
    base = package_dir.parent
    return {str(nb.resolve()): fingerprint(dependencies(nb, package_dir), base) for nb in notebooks}


def changed_notebooks(current: dict[str, str], manifest_path: Path) -> list[str]:
    recorded = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    return sorted(nb for nb, fp in current.items() if recorded.get(nb) != fp)


def drop_cache_records(cache_path: Path, notebooks: list[str]) -> int:
    """Remove every cache record of these notebooks (by path and by content)."""
    if not (cache_path / "global.db").is_file():
        return 0
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    doomed = {r.pk for r in cache.list_cache_records() if r.uri in notebooks}
    for nb in notebooks:
        try:
            doomed.add(cache.match_cache_notebook(nbformat.read(nb, as_version=4)).pk)
        except KeyError:
            pass
    for pk in doomed:
        cache.remove_cache(pk)
    return len(doomed)


# --- Sphinx wiring ------------------------------------------------------------

def _outdated(app, env, added, changed, removed):
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    srcdir = Path(app.srcdir)
    package_dir = srcdir / "code" / PACKAGE
    cache_path = Path(env.mystnb_config.execution_cache_path)
    notebooks = {str(Path(env.doc2path(d)).resolve()): d
                 for d in env.found_docs if str(env.doc2path(d)).endswith(".ipynb")}
    current = fingerprints([Path(p) for p in notebooks], package_dir)
    manifest = cache_path / MANIFEST
    stale = changed_notebooks(current, manifest)
    extra = set()
    if stale:
        removed_records = drop_cache_records(cache_path, stale)
        extra.update(notebooks[nb] for nb in stale)
        logger.info(f"[code_dependencies] {len(stale)} notebook(s) depend on changed afe code; "
                    f"{removed_records} cache record(s) dropped")
    cache_path.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    rereading = extra | set(added) | set(changed)
    if any(str(env.doc2path(d)).endswith(".ipynb") for d in rereading):
        for doc in env.found_docs:
            path = Path(env.doc2path(doc))
            if path.suffix == ".md" and CROSS_GLUE.search(path.read_text()):
                extra.add(doc)
    return sorted(extra - set(added) - set(changed))


def setup(app):
    app.connect("env-get-outdated", _outdated)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
