"""Small fixes to the pages Jupyter Book 1 writes, found by the browser test.

- Jupyter Book 1.0.4 registers sphinx-thebe's inline configuration script
  twice, so every page declares `const THEBE_JS_URL` twice and the browser
  reports "Identifier 'THEBE_JS_URL' has already been declared". The page
  context is given each distinct script once, in its first position.
- sphinx-book-theme leaves the pydata theme's `default_mode` empty (and does
  not accept it as a theme option), so every page logs "Got invalid theme
  mode". Pages get the light mode unless a theme option chose another.

The handler runs early (priority 100): `html-page-context` stops at the first
handler that returns a template, so a late handler might never run.
"""

from __future__ import annotations


def script_key(script) -> tuple:
    """What makes two script entries the same: the file, or the inline body, and the attributes."""
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or ""  # inline scripts come as None or ""
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def unique_scripts(scripts: list) -> list:
    seen, unique = set(), []
    for script in scripts:
        key = script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    return unique


DEFAULT_MODE = "light"


def _fix_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        # In place: the list is the builder's own, and handlers that run later
        # (MathJax's, for one) add to it.
        scripts[:] = unique_scripts(scripts)
    if not context.get("default_mode"):
        context["default_mode"] = DEFAULT_MODE


def setup(app):
    app.connect("html-page-context", _fix_page, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
