"""Show the package's own source in the book, so that the page can never drift from the code.

>>> from gdcourse.source import show
>>> show(gdcourse.Adam)            # doctest: +SKIP  (typeset in Jupyter and on the site)

The result is Markdown: the object's docstring, with its reStructuredText maths turned into
typeset maths (``.. math::`` blocks into display equations, ``:math:`` roles into inline maths), then
the source without that docstring as a highlighted code block.  Jupyter renders it, and MyST-NB renders
it on the site like any other part of the book (``nb_render_markdown_format: myst`` in _config.yml).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap

from IPython.display import Markdown

__all__ = ["show", "docstring_markdown"]

_MATH_BLOCK = re.compile(r"^\.\. math::\s*\n((?:\n|[ \t]+.*\n?)+)", re.MULTILINE)
_ROLE = re.compile(r":(?:math):`([^`]*)`")
_REFERENCE = re.compile(r":(?:class|func|meth|attr|mod|data|obj):`~?([^`]*)`")


def docstring_markdown(doc: str) -> str:
    """A numpy/reST docstring as Markdown with dollar maths (the subset the package's docstrings use)."""

    def block(match):
        body = textwrap.dedent(match.group(1)).strip()
        if "&" in body or "\\\\" in body:
            body = f"\\begin{{aligned}}\n{body}\n\\end{{aligned}}"
        return f"$$\n{body}\n$$\n\n"

    doc = _MATH_BLOCK.sub(block, inspect.cleandoc(doc) + "\n")
    doc = _ROLE.sub(lambda m: f"${m.group(1)}$", doc)
    doc = _REFERENCE.sub(lambda m: f"`{m.group(1).split('.')[-1]}`", doc)
    return re.sub(r"``([^`]+)``", r"`\1`", doc).strip()


def _without_docstring(code: str) -> str:
    """``code`` (one class or function) without its own docstring."""
    definition = ast.parse(code).body[0]
    first = definition.body[0] if getattr(definition, "body", None) else None
    if not (isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant)
            and isinstance(first.value.value, str)):
        return code
    lines = code.splitlines(keepends=True)
    del lines[first.lineno - 1 : first.end_lineno]
    return "".join(lines)


def show(obj) -> Markdown:
    """The docstring of a class, function or method, typeset, above its source as a highlighted block."""
    code = textwrap.dedent(inspect.getsource(obj))
    doc = inspect.getdoc(obj) if obj.__doc__ else None
    if doc:
        code = _without_docstring(code)
    fence = "````" if "```" in code else "```"
    listing = f"{fence}python\n{code}{fence}\n"
    return Markdown(f"{docstring_markdown(doc)}\n\n{listing}" if doc else listing)
