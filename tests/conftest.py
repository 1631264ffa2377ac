"""Fixtures of the book-level tests: one full build of the book, shared by every test that needs it."""

import os
import shutil
from pathlib import Path

import pytest

import reader_runs
from book_helpers import CHAPTERS, build_book


def _reader_run_needed(item) -> tuple[str, str] | None:
    """("colab" or "binder", notebook) if the test ``item`` waits for a reader run."""
    params = item.callspec.params if hasattr(item, "callspec") else {}
    test = getattr(item, "originalname", None)
    if test == "test_reader_notebook_runs_like_on_colab":
        return "colab", params["path"].stem
    if test == "test_reader_notebook_runs_like_on_binder":
        return "binder", params["name"]
    if test == "test_an_executed_reader_notebook_renders_cleanly_in_a_browser":
        return "colab", "02_sigmoid"
    return None


def pytest_collection_finish(session):
    """Start the reader-notebook executions now if any selected test needs them.

    They run beside the unit tests and the book build (see reader_runs.py),
    the chapters in book order, so the first tests find theirs done first.
    """
    needed = {"colab": set(), "binder": set()}
    for item in session.items:
        if (run := _reader_run_needed(item)) is not None:
            needed[run[0]].add(run[1])
    if needed["colab"] or needed["binder"]:
        order = [p.stem for p in CHAPTERS]
        reader_runs.reader_runs(sorted(needed["colab"], key=order.index), sorted(needed["binder"]))


def pytest_sessionfinish(session):
    runs = reader_runs.started()
    if runs is not None and runs.done():
        shutil.rmtree(runs.scratch, ignore_errors=True)


@pytest.fixture(scope="session")
def readers():
    """The background executions of the reader notebooks (started at collection)."""
    return reader_runs.reader_runs()


@pytest.fixture(scope="session")
def book_build(tmp_path_factory):
    """The `_build` folder of a full, fresh build (every chapter executed).

    While working on the tests only, AFE_REUSE_BUILD=<path to a _build folder>
    reuses an existing build instead; the test command never sets it.
    """
    reuse = os.environ.get("AFE_REUSE_BUILD")
    if reuse:
        return Path(reuse)
    return build_book(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="session")
def html(book_build):
    return book_build / "html"
