"""Show the package's own source in the book, so that the page can never drift from the code.

>>> from gdcourse.source import show
>>> show(gdcourse.Adam)            # doctest: +SKIP  (highlighted in Jupyter and on the site)

The result is a Markdown fenced code block: Jupyter highlights it, and MyST-NB
renders it on the site like any other code block of the book.
"""

from __future__ import annotations

import inspect
import textwrap

from IPython.display import Markdown

__all__ = ["show"]


def show(obj) -> Markdown:
    """The source of a class, function or method, as a highlighted code block."""
    code = textwrap.dedent(inspect.getsource(obj))
    fence = "````" if "```" in code else "```"
    return Markdown(f"{fence}python\n{code}{fence}\n")
