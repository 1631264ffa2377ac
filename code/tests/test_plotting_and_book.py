"""Figure helpers and the notebook glue helper."""

import sys

import matplotlib.pyplot as plt
import pytest

from afe import NAMES, book, plotting


def test_every_activation_has_a_colour():
    assert set(plotting.COLORS) == set(NAMES)
    assert plotting.color_of("swish") == plotting.COLORS["silu"]


def test_activation_grid_draws_one_panel_per_activation():
    fig = plotting.activation_grid(NAMES, ncols=4)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(NAMES)
    assert [ax.get_title() for ax in visible][:3] == ["Sigmoid", "Tanh", "ReLU"]
    plt.close(fig)


def test_function_plot_draws_function_and_derivative():
    fig = plotting.function_plot(["sigmoid", "relu"])
    assert len(fig.axes[0].get_lines()) == 4 + 2  # two curves each, plus the two axis lines
    plt.close(fig)


def test_lines_panels_and_legends():
    fig = plotting.lines({"a": {"x": [1, 2], "y": [2, 1]}, "b": {"x": [1, 1]}},
                         xlabel="step", ylabel="loss", logy=True, legend="all")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert all(ax.get_legend() is not None for ax in fig.axes)
    assert fig.axes[0].get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="legend"):
        plotting.lines({"": {"x": [1]}}, xlabel="", ylabel="", legend="none")


@pytest.fixture
def outputs(monkeypatch):
    """What the book helpers display, as (data, metadata) pairs, outside a book build."""
    shown = []
    monkeypatch.delenv(book.BUILD_ENV, raising=False)
    monkeypatch.setattr("IPython.display.display",
                        lambda data, raw=False, metadata=None: shown.append((data, metadata or {})))
    return shown


def test_glue_outside_a_build_shows_values_and_figures_once(outputs, monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # as on Colab: MyST-NB is missing
    fig = plt.figure()
    book.glue("a-figure", fig)
    book.glue_all({"a-number": 3.0, "a-word": "holds"})
    (figure, fig_meta), (text, text_meta) = outputs
    assert fig_meta[book.METADATA_KEY] == {"name": "a-figure"} and "text/plain" in figure
    assert text == {"text/plain": "a-number = 3.0\na-word = holds"}
    assert text_meta[book.METADATA_KEY] == {"values": {"a-number": "3.0", "a-word": "holds"}}
    assert not plt.fignum_exists(fig.number)


def test_glue_inside_a_build_stores_and_shows_nothing(outputs, monkeypatch):
    stored = {}
    fake = type(sys)("myst_nb")
    fake.glue = lambda name, value, display=True: stored.__setitem__(name, (value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    monkeypatch.setenv(book.BUILD_ENV, "1")
    assert book.in_book_build()
    book.glue_all({"a": "1", "b": 2})
    assert stored == {"a": ("1", False), "b": (2, False)} and outputs == []


@pytest.mark.parametrize("name", ["", " padded", 3])
def test_glue_refuses_malformed_names(name, outputs):
    with pytest.raises(ValueError, match="glue names"):
        book.glue_all({name: 1})


def test_quoted_text_is_what_the_prose_pastes():
    assert book.quoted_text("'0.25'") == "0.25"
    assert book.quoted_text("3.0") == "3.0"
    assert book.quoted_text("<Figure size 640x480>") == "<Figure size 640x480>"


def test_tensorflow_imports_without_writing_to_stderr(tmp_path):
    import subprocess

    probe = ("import os; os.environ.pop('TF_CPP_MIN_LOG_LEVEL', None)\n"
             "from afe import book\nbook.quiet_import_tensorflow()\nprint('ok')")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={k: v for k, v in __import__("os").environ.items()
                                 if k != "TF_CPP_MIN_LOG_LEVEL"}, cwd=tmp_path)
    assert result.stdout.strip() == "ok"
    assert result.stderr == "", result.stderr


BLAS_PROBE = """
import hashlib, numpy as np, threadpoolctl
from afe import book
from afe.experiments import mlp
book.setup(tensorflow=False)
threads = {i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"}
rng = np.random.default_rng(0)
x, y = rng.normal(size=(512, 96)), rng.integers(0, 10, 512)
net = mlp.init_mlp([96, 128, 128, 10], "relu", seed=0)
mlp.train_sgd(net, x, np.eye(10)[y], epochs=2, lr=0.5, seed=0)
print(sorted(threads), hashlib.sha256(b"".join(w.tobytes() for w in net.weights)).hexdigest())
"""


def test_setup_gives_numpy_training_one_blas_thread(tmp_path):
    """Whatever thread count BLAS starts with, setup() leaves one, and a seeded run's weights agree."""
    import os
    import subprocess

    outputs = []
    for threads in ("1", "2"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads}
        outputs.append(subprocess.run([sys.executable, "-c", BLAS_PROBE], capture_output=True,
                                      text=True, env=env, cwd=tmp_path, check=True).stdout)
    assert all(out.startswith("[1] ") for out in outputs), outputs
    assert outputs[0] == outputs[1], "the same seeded run gave different weights"


def test_function_plot_takes_explicit_colours():
    fig = plotting.function_plot(["elu", "elu"], colors=["#000000", "#ffffff"], derivative=False)
    assert [line.get_color() for line in fig.axes[0].get_lines()[:2]] == ["#000000", "#ffffff"]
    plt.close(fig)


def test_barh_draws_bars_in_order_with_a_reference_line():
    fig = plotting.barh({"p": {"a": 1.0, "b": 3.0}}, xlabel="ratio", logx=True, reference=1.0,
                        colors={"a": "#123456"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert [round(p.get_width(), 6) for p in ax.patches] == [1.0, 3.0]
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 1
    plt.close(fig)


def _claim(text="A claim.", value=0.5, **kwargs):
    return book.Claim(text, holds=[book.Criterion("a fraction", value, ">", 0.1, domain=(0, 1))],
                      **kwargs)


def test_verdicts_glue_claim_evidence_and_verdict_and_show_one_table(outputs):
    book.verdicts({"one-claim": _claim(), "other": _claim("Another.", value=0.0)})
    [(table, metadata)] = outputs
    assert "does not hold" in table["text/plain"]  # outside IPython: the plain form
    assert metadata[book.METADATA_KEY]["values"] == {
        "claim-one-claim": "A claim.", "verdict-one-claim": "holds",
        "evidence-one-claim": "a fraction = 0.5 (needs > 0.1) ✓",
        "claim-other": "Another.", "verdict-other": "does not hold",
        "evidence-other": "a fraction = 0 (needs > 0.1) ✗"}
    frame = book.verdict_table({"one-claim": _claim()})
    assert list(frame.index) == ["one-claim"] and list(frame["verdict"]) == [book.HOLDS]


def test_verdicts_refuse_anything_but_a_claim(outputs):
    with pytest.raises(TypeError, match="Claim"):
        book.verdicts({"old-style": ("A claim.", True, False)})


@pytest.mark.parametrize("key", ["", "Upper", "two words", " padded"])
def test_verdicts_refuse_malformed_keys(key, outputs):
    with pytest.raises(ValueError, match="claim keys"):
        book.verdicts({key: _claim()})
