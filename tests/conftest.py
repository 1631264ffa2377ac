"""Fixtures of the book-level tests: one full build of the book, shared by every test that needs it."""

import os
import shutil
from pathlib import Path

import pytest

import reader_runs
from book_helpers import CHAPTERS, build_book

#: Tests that wait for the background executions of the reader notebooks.
BACKGROUND_TESTS = ("test_reader_notebook_runs_like_on_colab",
                    "test_reader_notebook_runs_like_on_binder",
                    "test_an_executed_reader_notebook_renders_cleanly_in_a_browser")


def pytest_collection_finish(session):
    """Start the reader-notebook executions now if any selected test needs them.

    They run beside the unit tests and the book build (see reader_runs.py).
    """
    colab, binder = [], []
    for item in session.items:
        params = getattr(item, "callspec", None)
        params = params.params if params else {}
        name = getattr(item, "originalname", None)
        if name == BACKGROUND_TESTS[0]:
            colab.append(params["path"].stem)
        elif name == BACKGROUND_TESTS[1]:
            binder.append(params["name"])
        elif name == BACKGROUND_TESTS[2]:
            colab.insert(0, "02_sigmoid")
    if colab or binder:
        order = [p.stem for p in CHAPTERS]
        reader_runs.reader_runs(sorted(set(colab), key=order.index), binder)


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
