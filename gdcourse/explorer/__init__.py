"""The explorers' JavaScript, generated from gdcourse itself (see book/AUTHORING.md, "Explorers").

- :mod:`~gdcourse.explorer.trace` — tracer arrays that record what numpy code computes, one scalar
  operation at a time;
- :mod:`~gdcourse.explorer.javascript` — a traced computation as straight-line JavaScript;
- :mod:`~gdcourse.explorer.kernels` — every optimizer's ``update``, every 2-D problem's ``f`` and
  ``grad`` and the momentum analysis, traced, with the data the minibatch problem needs;
- :mod:`~gdcourse.explorer.settings` — an explorer's settings as data, and :func:`run_settings`, the
  :func:`gdcourse.run.run` they stand for;
- :mod:`~gdcourse.explorer.bundle` — the module the page and anywidget load: the kernels, then the
  committed bundle of ``site/explorer/`` (the user interface, with d3).

The Python widgets built on it are in :mod:`gdcourse.widgets`.
"""
