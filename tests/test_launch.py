"""Launching the book elsewhere: Binder, Colab, and any working directory."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from book_helpers import CHAPTERS, ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def load_launch_cell():
    spec = importlib.util.spec_from_file_location("launch_cell", ROOT / "scripts" / "launch_cell.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


launch_cell = load_launch_cell()


def test_config_names_the_repository_and_the_launch_services():
    url, branch = launch_cell.repository()
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert branch
    buttons = CONFIG["launch_buttons"]
    assert buttons["binderhub_url"].startswith("https://")
    assert buttons["colab_url"] == "https://colab.research.google.com"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_starts_with_the_hidden_colab_cell(path):
    url, branch = launch_cell.repository()
    first = json.loads(path.read_text())["cells"][0]
    assert first["cell_type"] == "code"
    assert "remove-cell" in first["metadata"].get("tags", []), "the set-up cell must be hidden"
    assert "".join(first["source"]) == launch_cell.cell_source(url, branch), (
        f"{path.name}: the Colab cell names another repository or branch than _config.yml; "
        "run python scripts/launch_cell.py"
    )


def test_the_script_finds_no_chapter_out_of_step():
    assert launch_cell.check() == []


def test_the_script_notices_a_stale_cell(tmp_path):
    assert launch_cell.problems("https://github.com/someone/else", "main") == [p.name for p in CHAPTERS]


def run_cell(cwd, afe_importable):
    """Execute the set-up cell in a fresh interpreter; report what it did."""
    url, branch = launch_cell.repository()
    probe = f"""
import importlib.util, json, subprocess, sys
real_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: (real_find_spec(name, *a) if {afe_importable!r} or name != "afe" else None)
calls = []
subprocess.run = lambda args, **kw: calls.append(args) or subprocess.CompletedProcess(args, 0, "", "")
path_before = list(sys.path)
exec({launch_cell.cell_source(url, branch)!r})
print(json.dumps({{"pip": calls, "added": [p for p in sys.path if p not in path_before]}}))
"""
    result = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_the_colab_cell_does_nothing_where_afe_is_installed():
    assert run_cell(ROOT / "chapters", afe_importable=True) == {"pip": [], "added": []}


@pytest.mark.parametrize("where", ["chapters", "."])
def test_the_colab_cell_uses_the_checkout_when_afe_is_not_installed(where):
    did = run_cell(ROOT / where, afe_importable=False)
    assert did == {"pip": [], "added": [str(ROOT / "code")]}


def test_the_colab_cell_installs_from_the_repository_when_the_notebook_is_alone(tmp_path):
    url, branch = launch_cell.repository()
    did = run_cell(tmp_path, afe_importable=False)
    assert did["added"] == []
    [args] = did["pip"]
    assert args[1:4] == ["-m", "pip", "install"]
    assert args[-1] == f"afe @ git+{url}@{branch}#subdirectory=code"
    # Only afe itself: no pins that would fight the packages Colab ships.
    assert not any(a.startswith(("numpy", "tensorflow", "keras")) for a in args)


def test_a_failed_install_stops_the_notebook_with_one_short_message(tmp_path):
    """No pip dump, no traceback, no cascade of NameErrors: one message naming the command."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    url, branch = launch_cell.repository()
    offline = (
        "import importlib.util, subprocess\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n == 'afe' else real(n, *a)\n"
        "subprocess.run = lambda args, **kw: subprocess.CompletedProcess(\n"
        "    args, 1, 'pip output', 'lots of pip output\\nERROR: network is unreachable')\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(offline),
        nbformat.v4.new_code_cell(launch_cell.cell_source(url, branch)),
        nbformat.v4.new_code_cell("print('a later cell ran')"),
    ])
    with pytest.raises(CellExecutionError):
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    [error] = nb.cells[1].outputs
    assert error.output_type == "error"
    shown = "\n".join(error.traceback)
    assert shown.startswith("Could not install the book's package afe (ERROR: network is unreachable)")
    assert f'pip install "afe @ git+{url}@{branch}#subdirectory=code"' in shown
    assert "pip install -e code" in shown
    assert "Traceback" not in shown and "lots of pip output" not in shown
    assert len(shown.splitlines()) <= 5
    assert nb.cells[2].outputs == [], "the notebook must stop at the set-up cell"


def test_the_jupyterlab_command_opens_the_reader_notebooks():
    """The README's third command: it sets up the environment and starts JupyterLab in notebooks/."""
    script = (ROOT / "scripts" / "lab.sh").read_text()
    assert "--notebook-dir=notebooks" in script and (ROOT / "notebooks").is_dir()
    result = subprocess.run(["bash", str(ROOT / "scripts" / "lab.sh"), "--version"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"^4\.\d+\.\d+", result.stdout, flags=re.M), result.stdout


def test_binder_finds_requirements_and_a_supported_runtime():
    assert (ROOT / "requirements.txt").is_file()
    runtime = (ROOT / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match and 10 <= int(match.group(1)) <= 12, runtime


def test_the_package_declares_the_python_versions_binder_and_colab_run():
    pyproject = (ROOT / "code" / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.10"' in pyproject
    # Colab brings its own TensorFlow and NumPy: afe must not pin them.
    deps = re.search(r"dependencies = \[(.*?)\]", pyproject, flags=re.S).group(1)
    assert "tensorflow" not in deps
    assert not re.search(r"numpy[^\"]*(<|==)", deps)


def test_the_sources_parse_as_python_3_10():
    import ast

    files = list((ROOT / "code" / "afe").rglob("*.py")) + list((ROOT / "scripts").glob("*.py"))
    for path in files:
        ast.parse(path.read_text(), filename=str(path), feature_version=(3, 10))
    for path in CHAPTERS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                ast.parse("".join(cell["source"]), feature_version=(3, 10))


RELATIVE_PATH = re.compile(r"""(open\(|Path\(|read_csv\(|np\.load\()\s*["'](?!/)|["']\.\.?/""")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapters_read_no_files_by_relative_path(path):
    """Data comes through the installed package, so any working directory works."""
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            assert not RELATIVE_PATH.search(source), f"{path.name}: a relative path in\n{source}"


@pytest.mark.parametrize("name", ["01_overview", "06_elu"])
def test_a_chapter_runs_from_the_repository_root(name, tmp_path):
    """The book build runs chapters from chapters/; Binder and Colab may not."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4)
    env_backup = os.environ.pop("MPLBACKEND", None)
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        if env_backup is not None:
            os.environ["MPLBACKEND"] = env_backup
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
