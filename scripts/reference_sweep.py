"""Run the MNIST reference sweep and store it in code/afe/results/mnist_reference.json.

    .venv/bin/python scripts/reference_sweep.py            # resume or start
    .venv/bin/python scripts/reference_sweep.py --fresh    # discard stored runs

Trains the article's CNN for every activation and seed of
``afe.experiments.mnist_comparison.reference_config()`` on the best MNIST
available here (the full set through Keras when online; otherwise the bundled
sample, which the results file then says). After every run the file is
rewritten, so an interrupted sweep resumes where it stopped. The file
records the configuration, library versions, hardware, date, the data used,
and per run the per-epoch history and wall time per epoch. The final chapter
plots it; code/tests/test_reference_results.py checks its schema and that its configuration
is still what the code would run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "code" / "afe" / "results" / "mnist_reference.json"


def environment() -> dict:
    import keras
    import numpy
    import tensorflow as tf

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": numpy.__version__,
            "platform": platform.platform(), "cpu": cpu, "cpu_count": os.cpu_count(),
            "gpus": gpus}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="discard stored runs and start over")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    from afe.data import load_mnist
    from afe.experiments import mnist_comparison as mc

    config = mc.reference_config()
    mnist = load_mnist(verbose=True)
    data = mc.prepare(mnist, val_fraction=config["val_fraction"], seed=0)
    stored = None
    if args.output.exists() and not args.fresh:
        stored = json.loads(args.output.read_text())
        if stored.get("config") != config or stored["data"]["source"] != data["source"]:
            sys.exit(f"{args.output} holds another configuration or data source; use --fresh")
    results = stored or {
        "schema_version": mc.SCHEMA_VERSION,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": "python scripts/reference_sweep.py",
        "config": config,
        "environment": environment(),
        "data": {"source": data["source"], "description": data["description"],
                 "n_train": len(data["x_train"]), "n_val": len(data["x_val"]),
                 "n_test": len(data["x_test"])},
        "runs": [],
    }
    done = {(r["activation"], r["seed"]) for r in results["runs"]}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    for seed in config["seeds"]:
        for activation in config["activations"]:
            if (activation, seed) in done:
                continue
            print(f"--- {activation}, seed {seed}", flush=True)
            run = mc.train_one(activation, data, epochs=config["epochs"], seed=seed,
                               batch_size=config["batch_size"],
                               learning_rate=config["learning_rate"],
                               clipvalue=config["clipvalue"], loss=config["loss"], verbose=2)
            results["runs"].append(run)
            results["updated"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(f"{len(results['runs'])} runs in {args.output}")


if __name__ == "__main__":
    main()
