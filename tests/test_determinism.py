"""Two clean builds of the book give the same glued values.

Every number in the prose is glued from code, so identical glue values mean
identical prose. Timings are the exception by design: their glue keys contain
`timing-` and are left out. Figures are compared as PNG bytes, tables as HTML.
"""

from book_helpers import build_book, glued_values


def deterministic(values):
    return {chapter: {k: v for k, v in keys.items() if "timing-" not in k}
            for chapter, keys in values.items()}


def test_two_clean_builds_glue_the_same_values(book_build, tmp_path_factory):
    first = glued_values(book_build)
    second = glued_values(build_book(tmp_path_factory.mktemp("book-again")))
    assert set(first) == set(second) and first, "the two builds executed different chapters"
    a, b = deterministic(first), deterministic(second)
    differences = [f"{chapter}::{key}: {str(a[chapter].get(key))[:80]!r} != {str(b[chapter].get(key))[:80]!r}"
                   for chapter in a for key in sorted(set(a[chapter]) | set(b[chapter]))
                   if a[chapter].get(key) != b[chapter].get(key)]
    assert not differences, "glued values differ between two clean builds:\n" + "\n".join(differences)
    assert sum(len(v) for v in a.values()) > 200  # the comparison covered the book's glue, not nothing
