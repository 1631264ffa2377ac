"""Print the book's build-speed figures (no pass/fail: targets are printed beside them).

    python scripts/benchmark.py              # cold build, unchanged rebuild, rebuild after a code change
                                             # (each with its translated editions, timed apart)
    python scripts/benchmark.py --tests      # ... and the whole test command
    python scripts/benchmark.py --notebooks  # time and peak memory of every chapter, run alone
    python scripts/benchmark.py --exercises  # what the exercises and the closing chapter cost

The builds run on a scratch copy of the repository (its tracked files), so
the working tree is never touched. The cold build starts with nothing cached;
the rebuild reuses it with nothing changed; the third build follows an edit of
one `afe` module (`afe/experiments/gelu.py`), and the script lists the chapters
it re-executed: only those that import the module should be (the execution
cache alone would re-execute none; `_ext/code_dependencies.py` handles it).
The kernels import the installed `afe`, so the edit is a comment. Per-notebook
execution times come from the execution cache's report. Run it with the book's environment in place
(``bash scripts/build.sh`` once creates it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
READER_TARGET = 30.0  # seconds that writing the reader notebooks may add to a build
#: Seconds each translated edition may add to a cold build, and to an unchanged rebuild.
TRANSLATION_TARGETS = {"cold build": 90.0, "rebuild, nothing changed": 10.0}
#: Seconds; the test command is CI's whole run, which must stay under 20 minutes.
TARGETS = {"cold build": 480.0, "rebuild, nothing changed": 20.0,
           "rebuild, afe/experiments/gelu.py changed": 120.0, "test command": 1200.0}
CHANGED_MODULE = Path("code/afe/experiments/gelu.py")
MEMORY_TARGET_MB = 1536  # Binder gives 2 GB; every notebook must stay under 1.5 GB
#: Seconds that all chapters' exercise solutions plus the closing chapter may add to a cold build.
EXERCISES_TARGET = 60.0
CLOSING_CHAPTER = "12_choosing.ipynb"

# Runs one notebook with nbclient in a fresh process and reads the kernel's
# peak resident memory (VmHWM, Linux) before the kernel shuts down.
_RUN_ONE = """
import sys, time, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
client = NotebookClient(nb, timeout=900, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}})
start = time.perf_counter()
with client.setup_kernel():
    pid = client.km.provisioner.process.pid
    for i, cell in enumerate(nb.cells):
        client.execute_cell(cell, i)
    status = open(f"/proc/{pid}/status").read()
    peak_kb = int(status.split("VmHWM:")[1].split()[0])
print(time.perf_counter() - start, peak_kb / 1024)
"""


def notebook_costs(paths=None) -> list[tuple[str, float, float]]:
    """(notebook, seconds, peak MB) for every chapter (or ``paths``), each executed alone."""
    rows = []
    for nb in paths or sorted((ROOT / "chapters").glob("*.ipynb")):
        result = subprocess.run([str(VENV_BIN / "python"), "-c", _RUN_ONE, str(nb), str(nb.parent)],
                                cwd=ROOT, env=ENV, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"{nb.name} failed:\n{result.stderr[-3000:]}")
        seconds, peak = (float(v) for v in result.stdout.split()[-2:])
        rows.append((nb.name, seconds, peak))
    return rows
# No MPLBACKEND: the notebooks' kernels must keep IPython's inline backend,
# which is what turns a glued figure into an image.
ENV = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"} | {
    "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{(result.stdout + result.stderr)[-4000:]}")
    return elapsed, result.stdout + result.stderr


def executed(log: str) -> list[str]:
    """The notebooks a build log says were executed (not taken from the cache)."""
    return sorted({Path(line.split(":")[0]).name for line in log.splitlines()
                   if "Executing notebook" in line})


def reader_seconds(log: str) -> str:
    """What writing the reader notebooks took, from the build log (_ext/reader_notebooks.py)."""
    import re

    found = re.findall(r"reader notebooks: (\d+) written in ([\d.]+) s", log)
    return f"{found[-1][1]} s for {found[-1][0]}" if found else "not reported"


def translation_seconds(log: str) -> dict[str, float]:
    """What building each translated edition took, from the build log (_ext/translations.py)."""
    import re

    return {lang: float(sec) for lang, sec in
            re.findall(r"\[translations\] (\S+) edition built in ([\d.]+) s", log)}


def scratch_copy(dest: Path) -> Path:
    """Copy the repository's tracked and untracked, not ignored, files to dest."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes((ROOT / name).read_bytes())
    return dest


def exercise_costs() -> list[tuple[str, float]]:
    """(chapter, seconds) of the cells of each chapter's Exercises section, as in a build.

    Each chapter's set-up and Exercises section run alone (scripts/run_exercises.py);
    nbclient's per-cell timestamps give the time of the exercise cells only, so
    kernel start-up and set-up, which the build pays anyway, are not counted.
    """
    from datetime import datetime

    sys.path.insert(0, str(ROOT / "scripts"))
    import run_exercises

    def seconds(cell) -> float:
        t = cell.metadata.get("execution", {})
        start, end = t.get("iopub.execute_input"), t.get("shell.execute_reply")
        if not (start and end):
            return 0.0
        parse = lambda v: datetime.fromisoformat(v.replace("Z", "+00:00"))  # noqa: E731
        return (parse(end) - parse(start)).total_seconds()

    rows = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = run_exercises.run(path, in_build=True)
        at = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                  and "## Exercises" in c.source)
        rows.append((path.name, sum(seconds(c) for c in nb.cells[at:] if c.cell_type == "code")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also time scripts/test.sh")
    parser.add_argument("--exercises", action="store_true",
                        help="only time every chapter's exercises and the closing chapter")
    parser.add_argument("--notebooks", action="store_true",
                        help="only run every chapter alone and print its time and peak memory")
    args = parser.parse_args()

    if args.notebooks:
        print(f"{'notebook':<34}{'seconds':>10}{'peak MB':>10}{'MB target':>11}")
        rows = notebook_costs()
        for name, seconds, peak in rows:
            flag = "" if peak <= MEMORY_TARGET_MB else "  OVER"
            print(f"{name:<34}{seconds:>10.1f}{peak:>10.0f}{MEMORY_TARGET_MB:>11}{flag}")
        print(f"{'total':<34}{sum(r[1] for r in rows):>10.1f}{max(r[2] for r in rows):>10.0f}")
        return

    if args.exercises:
        rows = exercise_costs()
        print(f"{'exercise cells of':<34}{'seconds':>10}")
        for name, took in rows:
            print(f"{name:<34}{took:>10.1f}")
        closing = next(r for r in notebook_costs([ROOT / "chapters" / CLOSING_CHAPTER]))
        total = sum(r[1] for r in rows) + closing[1]
        print(f"{'closing chapter, run alone':<34}{closing[1]:>10.1f}")
        print(f"{'total added to a cold build':<34}{total:>10.1f}   target {EXERCISES_TARGET:.0f}")
        return

    figures: dict[str, float] = {}
    reexecuted: dict[str, list[str]] = {}
    readers: dict[str, str] = {}
    translated: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        book = scratch_copy(Path(tmp))
        build = [str(VENV_BIN / "jupyter-book"), "build", str(book), "-W", "-n", "--keep-going"]
        steps = [("cold build", None), ("rebuild, nothing changed", None),
                 (f"rebuild, {CHANGED_MODULE.relative_to('code')} changed", CHANGED_MODULE)]
        for what, edit in steps:
            if edit is not None:
                with open(book / edit, "a") as f:
                    f.write("\n# benchmark: a change that the execution cache must notice\n")
            figures[what], log = timed(build, cwd=book)
            reexecuted[what] = executed(log)
            readers[what] = reader_seconds(log)
            translated[what] = translation_seconds(log)
        report = subprocess.run([str(VENV_BIN / "jcache"), "notebook", "-p",
                                 str(book / "_build" / ".jupyter_cache"), "list"],
                                capture_output=True, text=True, env=ENV)
    if args.tests:
        figures["test command"], _ = timed(["bash", "scripts/test.sh", "-q"])

    print(f"{'what':<42}{'seconds':>10}{'target':>10}  notebooks executed")
    for what, seconds in figures.items():
        names = reexecuted.get(what)
        shown = "-" if names is None else (f"all {len(names)}" if len(names) > 3 else ", ".join(names) or "none")
        print(f"{what:<42}{seconds:>10.1f}{TARGETS[what]:>10.0f}  {shown}")
    print(f"\nWriting the reader notebooks (target {READER_TARGET:.0f} s a build; no chapter "
          "is executed for them):")
    for what, took in readers.items():
        print(f"  {what:<40}{took}")
    print("\nBuilding the translated editions (part of each build above; no chapter is "
          "executed for them):")
    for what, editions in translated.items():
        target = TRANSLATION_TARGETS.get(what)
        for language, took in editions.items() or [("none", float("nan"))]:
            shown = f"   target {target:.0f}" if target else ""
            print(f"  {what:<40}{language:<8}{took:>8.1f} s{shown}")
    if report.returncode == 0:
        print("\nExecution cache (per notebook):\n" + report.stdout)


if __name__ == "__main__":
    main()
