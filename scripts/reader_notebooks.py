"""Update the committed reader notebooks (notebooks/*.ipynb, notebooks/zh_CN/*.ipynb) from the last book build.

Every book build writes, for each chapter, a reader notebook: the chapter in
plain Markdown with the build's values pasted into the prose, which opens and
reads well in JupyterLab, on Binder and on Colab (see
`_ext/reader_notebooks.py`). The launch buttons open the committed copies in
`notebooks/` (the Chinese edition's in `notebooks/zh_CN/`), so they must be
in the repository and current:

    bash scripts/build.sh
    .venv/bin/python scripts/reader_notebooks.py          # copy what changed
    .venv/bin/python scripts/reader_notebooks.py --check  # exit 1 if any is out of date

A committed notebook that differs from the build's only in its timings (the
values marked † that vary by machine) is left as it is, so rebuilding on
another machine does not rewrite it. The test suite runs the same check on
its own fresh build.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import reader_notebooks as rn  # noqa: E402


def editions() -> list[str]:
    """English and every translated edition of _config.yml."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return ["en", *config["sphinx"]["config"].get("afe_translations", {})]


def committed_folder(language: str = "en") -> Path:
    """notebooks/ for English, notebooks/<language>/ for a translated edition."""
    return ROOT / rn.READER_DIR / rn.edition_subdir(language)


def built_notebooks(build: Path, language: str = "en") -> dict[str, Path]:
    """{file name: path} of the reader notebooks a build wrote for one edition."""
    folder = build / rn.BUILD_SUBDIR / rn.edition_subdir(language)
    others = set(editions()) - {language, "en"}
    return {p.name: p for p in sorted(folder.rglob("*.ipynb"))
            if p.relative_to(folder).parts[0] not in others}


def compare(build: Path, committed: Path | None = None, language: str = "en") -> dict[str, list[str]]:
    """What is out of date: {"stale": [...], "missing": [...], "extra": [...]} file names."""
    committed = committed_folder(language) if committed is None else committed
    built = built_notebooks(build, language)
    if not built:
        raise FileNotFoundError(f"no {language} reader notebooks in {build / rn.BUILD_SUBDIR}: "
                                "build the book first")
    have = {p.name: p for p in sorted(committed.glob("*.ipynb"))}
    stale = [name for name, path in built.items() if name in have
             and rn.mask_timings(json.loads(path.read_text()))
             != rn.mask_timings(json.loads(have[name].read_text()))]
    return {"stale": stale, "missing": sorted(set(built) - set(have)),
            "extra": sorted(set(have) - set(built))}


def update(build: Path, committed: Path | None = None, language: str = "en") -> list[str]:
    """Copy new and changed reader notebooks, remove ones no chapter produces; return what changed."""
    committed = committed_folder(language) if committed is None else committed
    state = compare(build, committed, language)
    committed.mkdir(exist_ok=True)
    built = built_notebooks(build, language)
    for name in state["stale"] + state["missing"]:
        (committed / name).write_text(built[name].read_text())
    for name in state["extra"]:
        (committed / name).unlink()
    return state["stale"] + state["missing"] + state["extra"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build", help="the build folder")
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args(argv)
    outdated = False
    for language in editions():
        folder = committed_folder(language).relative_to(ROOT)
        if args.check:
            state = compare(args.build, language=language)
            for kind, names in state.items():
                for name in names:
                    print(f"{folder}/{name}: {kind}")
            outdated = outdated or any(state.values())
            continue
        for name in update(args.build, language=language):
            print(f"updated {folder}/{name}")
    return 1 if outdated else 0


if __name__ == "__main__":
    sys.exit(main())
