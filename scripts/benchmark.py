"""Print the book's build-speed figures (no pass/fail: targets are printed beside them).

    python scripts/benchmark.py            # cold build and unchanged rebuild
    python scripts/benchmark.py --tests    # ... and the whole test command

The cold build goes to a fresh scratch folder (nothing cached); the rebuild
reuses it with nothing changed. Per-notebook execution times come from the
execution cache's report. Run it with the book's environment in place
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
TARGETS = {"cold build": 120.0, "rebuild, nothing changed": 15.0, "test command": 300.0}
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{(result.stdout + result.stderr)[-4000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also time scripts/test.sh")
    args = parser.parse_args()

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as out:
        build = [str(VENV_BIN / "jupyter-book"), "build", str(ROOT), "--path-output", out,
                 "-W", "-n", "--keep-going"]
        figures["cold build"] = timed(build)
        figures["rebuild, nothing changed"] = timed(build)
        report = subprocess.run([str(VENV_BIN / "jcache"), "notebook", "-p",
                                 str(Path(out) / "_build" / ".jupyter_cache"), "list"],
                                capture_output=True, text=True, env=ENV)
    if args.tests:
        figures["test command"] = timed(["bash", "scripts/test.sh", "-q"])

    print(f"{'what':<28}{'seconds':>10}{'target':>10}")
    for what, seconds in figures.items():
        print(f"{what:<28}{seconds:>10.1f}{TARGETS[what]:>10.0f}")
    if report.returncode == 0:
        print("\nExecution cache (per notebook):\n" + report.stdout)


if __name__ == "__main__":
    main()
