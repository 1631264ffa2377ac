"""The execution cache notices changes in the afe code a chapter imports (_ext/code_dependencies.py)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import code_dependencies as cd  # noqa: E402


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def notebook(path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "markdown", "id": "title", "metadata": {}, "source": ["# A page\n"]}]
    cells += [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
               "outputs": [], "source": [textwrap.dedent(s)]} for i, s in enumerate(sources)]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))
    return path


@pytest.fixture
def package(tmp_path):
    pkg = tmp_path / "code" / "afe"
    write(pkg / "__init__.py", "from . import core\n")
    write(pkg / "core.py", "X = 1\n")
    write(pkg / "plots.py", "import numpy\n")
    write(pkg / "experiments" / "__init__.py", "")
    write(pkg / "experiments" / "deep.py", "from ..helpers import h\nFILE = 'table.json'\n")
    write(pkg / "helpers.py", "def h(): pass\n")
    write(pkg / "results" / "table.json", "{}")
    write(pkg / "results" / "other.json", "{}")
    return pkg


def names(files, pkg):
    return sorted(str(p.relative_to(pkg)) for p in files)


def test_relative_imports_are_resolved():
    assert cd.imported_names("from ..helpers import h", "afe.experiments.deep") == {"afe.helpers", "afe.helpers.h"}
    assert cd.imported_names("from . import core", "afe", is_package=True) == {"afe", "afe.core"}
    assert cd.imported_names("%matplotlib inline\nimport afe.plots") == {"afe.plots"}


def test_a_notebook_depends_on_what_it_imports_transitively(package, tmp_path):
    nb = notebook(tmp_path / "nb.ipynb", "from afe.experiments import deep\n")
    assert names(cd.dependencies(nb, package), package) == [
        "__init__.py", "core.py", "experiments/__init__.py", "experiments/deep.py", "helpers.py",
        "results/table.json"]


def test_a_notebook_does_not_depend_on_modules_it_never_imports(package, tmp_path):
    nb = notebook(tmp_path / "nb.ipynb", "import afe\n")
    assert names(cd.dependencies(nb, package), package) == ["__init__.py", "core.py"]


def test_only_the_notebooks_that_import_a_changed_file_are_stale(package, tmp_path):
    plain = notebook(tmp_path / "plain.ipynb", "import afe\n")
    deep = notebook(tmp_path / "deep.ipynb", "from afe.experiments import deep\n")
    manifest = tmp_path / "manifest.json"
    before = cd.fingerprints([plain, deep], package)
    assert cd.changed_notebooks(before, manifest) == sorted(before)  # nothing recorded yet
    manifest.write_text(json.dumps(before))
    assert cd.changed_notebooks(cd.fingerprints([plain, deep], package), manifest) == []
    write(package / "helpers.py", "def h(): return 2\n")
    assert cd.changed_notebooks(cd.fingerprints([plain, deep], package), manifest) == [str(deep.resolve())]
    write(package / "results" / "other.json", "[]")  # named by no module
    manifest.write_text(json.dumps(cd.fingerprints([plain, deep], package)))
    write(package / "core.py", "X = 2\n")
    assert cd.changed_notebooks(cd.fingerprints([plain, deep], package), manifest) == sorted(
        str(p.resolve()) for p in (plain, deep))


def test_the_book_chapters_have_their_real_dependencies():
    pkg = ROOT / "code" / "afe"
    deps = {nb.stem: names(cd.dependencies(nb, pkg), pkg) for nb in (ROOT / "chapters").glob("*.ipynb")}
    assert "results/mnist_reference.json" in deps["11_mnist_comparison"]
    assert "experiments/gelu.py" in deps["10_gelu"]
    assert "experiments/gelu.py" not in deps["06_elu"]
    assert all("activations.py" in d and "book.py" in d for d in deps.values())


MINI_CONFIG = """\
title: mini
only_build_toc_files: true
exclude_patterns: [_build, code]
execute:
  execute_notebooks: cache
sphinx:
  local_extensions:
    code_dependencies: {ext}
  config:
    nb_execution_raise_on_error: true
"""


def build(book: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", str(book), "-W", "-v"], capture_output=True, text=True,
                            env=env, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result.stdout + result.stderr


def test_a_real_build_reexecutes_a_notebook_after_its_code_changes(tmp_path):
    """End to end with Jupyter Book: a stand-alone book whose notebook imports its own afe."""
    book = tmp_path / "book"
    write(book / "_config.yml", MINI_CONFIG.format(ext=ROOT / "_ext"))
    write(book / "_toc.yml", "format: jb-book\nroot: intro\nchapters:\n- file: page\n")
    write(book / "intro.md", "# Intro\n\nSee {doc}`page`.\n")
    write(book / "code" / "afe" / "__init__.py", "")
    write(book / "code" / "afe" / "value.py", "VALUE = 'first-value'\n")
    notebook(book / "page.ipynb",
             "import sys, pathlib\nsys.path.insert(0, str(pathlib.Path.cwd() / 'code'))\n"
             "for m in [m for m in sys.modules if m.split('.')[0] == 'afe']:\n    del sys.modules[m]\n",
             "from afe.value import VALUE\nprint(VALUE)\n")
    page = book / "_build" / "html" / "page.html"

    log = build(book)
    assert "first-value" in page.read_text()
    assert "Executing" in log or "Executed" in log

    log = build(book)  # nothing changed: served from the cache
    assert "Executing" not in log and "first-value" in page.read_text()

    write(book / "code" / "afe" / "value.py", "VALUE = 'second-value'\n")
    log = build(book)
    assert "depend on changed afe code" in log
    assert "second-value" in page.read_text()
