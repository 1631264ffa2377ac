"""Keep every chapter's Colab set-up cell in step with `_config.yml`.

On Colab a chapter notebook arrives alone, without the repository's `code/`
package. Each chapter therefore starts with a set-up cell (tag `remove-cell`,
so the HTML book does not show it; the reader notebooks mark it as set-up)
that makes `afe` importable:

- when `afe` imports already (a local install, Binder), it does nothing;
- in a checkout where `afe` was not installed, it puts the checkout's `code/`
  folder on `sys.path`;
- otherwise (Colab) it installs `afe` with pip from the repository and branch
  named in `_config.yml`, without touching the packages Colab already has;
  when that fails (no network, say) it stops the notebook with one short
  message that names the command to run instead.

`_config.yml` is the one place that names the repository; this script writes
its URL and branch into the cells. Run it after changing `repository:`:

    python scripts/launch_cell.py          # rewrite the cells
    python scripts/launch_cell.py --check  # exit 1 if any chapter is out of step

The book-level tests call `check()` too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CELL_ID = "colab-setup"
CELL_TAG = "remove-cell"

TEMPLATE = '''\
# Set-up: make the book's package afe importable
# Where afe is installed already (locally, on Binder) this cell does nothing;
# in a clone it uses code/; on Colab it installs afe from the book's repository.
REPOSITORY = ("{owner}"
              "{name}")
BRANCH = "{branch}"
import importlib.util, pathlib, subprocess, sys
if importlib.util.find_spec("afe") is None:
    here = pathlib.Path.cwd().resolve()
    clone = [p / "code" for p in (here, *here.parents) if (p / "code/afe").is_dir()]
    if clone:
        sys.path.insert(0, str(clone[0]))
    else:
        package = f"afe @ git+{{REPOSITORY}}@{{BRANCH}}#subdirectory=code"
        pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", package],
                             capture_output=True, text=True)
        if pip.returncode != 0:
            class SetupFailed(Exception):
                def _render_traceback_(self):  # IPython shows only this message
                    return [str(self)]
            why = (pip.stderr.strip().splitlines() or ["no message"])[-1]
            raise SetupFailed(
                f"Could not install the book's package afe ({{why}}).\\n"
                "Without it no later cell can run. Install it yourself, then restart:\\n"
                f"    pip install \\"{{package}}\\"\\n"
                "or, in a clone of the repository: pip install -e code")'''


def repository(config_path: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """Return (url, branch) from the `repository:` block of `_config.yml`."""
    config = yaml.safe_load(config_path.read_text())
    repo = config.get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch")
    if not url or not branch:
        raise ValueError(f"{config_path} must set repository.url and repository.branch")
    return url.rstrip("/"), branch


def cell_source(url: str, branch: str) -> str:
    """The source of the set-up cell for a repository URL and branch."""
    owner, name = url.rsplit("/", 1)
    return TEMPLATE.format(owner=owner + "/", name=name, branch=branch)


def setup_cell(url: str, branch: str) -> dict:
    """The whole notebook cell (nbformat 4.5) holding the set-up code."""
    lines = cell_source(url, branch).splitlines(keepends=True)
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": CELL_ID,
        "metadata": {"tags": [CELL_TAG]},
        "outputs": [],
        "source": lines,
    }


def chapters() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def problems(url: str, branch: str) -> list[str]:
    """Chapters whose first cell is not the current set-up cell."""
    want = setup_cell(url, branch)
    found = []
    for path in chapters():
        cells = json.loads(path.read_text())["cells"]
        if not cells or cells[0] != want:
            found.append(path.name)
    return found


def check() -> list[str]:
    return problems(*repository())


def sync() -> list[str]:
    """Insert or update the set-up cell in every chapter; return the changed files."""
    url, branch = repository()
    want = setup_cell(url, branch)
    changed = []
    for path in chapters():
        nb = json.loads(path.read_text())
        cells = nb["cells"]
        if cells and cells[0].get("id") == CELL_ID:
            if cells[0] == want:
                continue
            cells[0] = want
        else:
            cells.insert(0, want)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        changed.append(path.name)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report chapters out of step")
    args = parser.parse_args(argv)
    if args.check:
        bad = check()
        for name in bad:
            print(f"{name}: the Colab set-up cell does not match _config.yml")
        return 1 if bad else 0
    for name in sync():
        print(f"updated {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
