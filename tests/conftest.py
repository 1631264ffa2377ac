"""Fixtures of the book-level tests: one full build of the book, shared by every test that needs it."""

import os
from pathlib import Path

import pytest

from book_helpers import build_book


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
