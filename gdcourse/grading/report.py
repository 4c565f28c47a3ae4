"""``gdcourse report GRADES.csv --out report.html``: what the class got wrong, on one static page.

It reads only what the grader wrote: the CSV and, beside it, ``<stem>.json`` (the exercises, the
mistakes' messages by code, the statuses' meanings).  The page is self-contained — its figures are
inline SVG images with alt text, in the book's plot style — so it works offline and can be mailed.

:func:`statistics` computes every number the page shows, so that a test can compare them with counts
made independently from the CSV.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from base64 import b64encode
from collections import Counter
from itertools import combinations
from pathlib import Path
from urllib.parse import quote

from gdcourse.grading.files import write_atomically
from gdcourse.grading.messages import DOMAIN
from gdcourse.i18n import get_language, translate

__all__ = ["load", "statistics", "render", "write_report", "TEXT"]

#: The page's wording (a translation replaces this dict only).
TEXT = {
    "title": "Class report: {count} submissions",
    "intro": "Graded by gdcourse {grader}. Every number on this page is computed from {csv}.",
    "not isolated": "{count} submission(s) were graded with --no-sandbox: their code was not isolated.",
    "exercises": "Exercises",
    "exercise row": "{name}: {passed} of {count} passed ({share})",
    "totals": "Total scores",
    "mistakes": "Most common mistakes",
    "mistake row": "{message}: {n} of {count} submissions, {share}",
    "no mistakes": "No catalogued mistake was made.",
    "together": "Mistakes that come together",
    "together row": "{a} and {b}: {n} submissions ({share_a} of those with the first)",
    "no pairs": "No two mistakes were made together by more than one submission.",
    "statuses": "Statuses",
    "status row": "{status}: {n} ({share}) — {meaning}",
    "submissions": "Submissions",
    "columns": ["submission", "total", "status", "mistakes", "feedback"],
    "feedback": "feedback",
    "alt exercises": "Bar chart: the share of the {count} submissions that passed each exercise — {values}.",
    "alt totals": "Histogram of total scores out of {points}: {values}.",
    "alt mistakes": "Bar chart of the most common mistakes, by number of submissions: {values}.",
    "x share": "submissions that passed (%)",
    "x total": "total score (points)",
    "y count": "submissions (count)",
    "x mistakes": "submissions (count)",
}

_META = ("submission", "total", "status", "mistakes", "isolated", "review", "feedback")


def _unquote(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def load(grades: Path) -> dict:
    """The CSV's rows and the summary beside it (or what can be inferred without it)."""
    grades = Path(grades)
    with open(grades, encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        fields = reader.fieldnames or []
        rows = [{k: _unquote(v or "") for k, v in row.items()} for row in reader]
    if "total" not in fields or "status" not in fields:
        raise ValueError(f"{grades} is not a gdcourse grades CSV (it has no total and status columns)")
    summary_path = grades.with_name(grades.stem + ".json")
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    exercises = summary.get("exercises") or [c for c in fields if c not in _META]
    return {"rows": rows, "exercises": exercises, "mistakes": summary.get("mistakes", {}), "statuses": summary.get("statuses", {}),
            "grader": summary.get("grader", "?"), "csv": grades, "language": summary.get("language")}


def _share(n: int, total: int) -> str:
    return f"{round(100 * n / total)} %" if total else "0 %"


def statistics(data: dict) -> dict:
    """Every number of the report."""
    rows, exercises = data["rows"], data["exercises"]
    count = len(rows)
    passed = {name: sum(1 for r in rows if r.get(name) == "1") for name in exercises}
    totals = Counter(int(r["total"]) for r in rows if r["total"].isdigit())
    mistake_sets = [set(filter(None, r.get("mistakes", "").split(";"))) for r in rows]
    mistakes = Counter(code for codes in mistake_sets for code in codes)
    pairs = Counter(pair for codes in mistake_sets for pair in combinations(sorted(codes), 2))
    statuses = Counter(r["status"] for r in rows)
    return {
        "count": count,
        "passed": passed,
        "totals": {points: totals.get(points, 0) for points in range(len(exercises) + 1)},
        "mistakes": sorted(mistakes.items(), key=lambda item: (-item[1], item[0])),
        "pairs": sorted(((a, b, n) for (a, b), n in pairs.items() if n >= 2), key=lambda item: (-item[2], item[0], item[1])),
        "statuses": sorted(statuses.items(), key=lambda item: (-item[1], item[0])),
        "not isolated": sum(1 for r in rows if r.get("isolated") == "no"),
    }


def _figure(draw, alt: str, language: str = "en") -> str:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from gdcourse.figure_text import FONTS
    from gdcourse.plotting import STYLE

    fonts = FONTS.get(language)  # a font with the language's glyphs (the figure's text is drawn as paths)
    with rc_context({**STYLE, **({"font.family": fonts} if fonts else {})}):
        figure = Figure(figsize=(7.0, 3.2))
        draw(figure.subplots())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg")
    data = b64encode(buffer.getvalue()).decode()
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}">'


def _label(data: dict, code: str) -> str:
    message = data["mistakes"].get(code)
    exercise, _, key = code.partition(":")
    return f"{exercise} — {message.rstrip('.')}" if message else f"{exercise} — {key}"


def wording(language: str = "en") -> dict:
    """:data:`TEXT` in ``language``."""
    return {key: [translate(v, DOMAIN, language) for v in value] if isinstance(value, list) else translate(value, DOMAIN, language)
            for key, value in TEXT.items()}


def render(data: dict, stats: dict, out: Path, language: str = "en") -> str:
    from matplotlib.ticker import MaxNLocator

    from gdcourse.plotting import PALETTE

    count, exercises, t = stats["count"], data["exercises"], wording(language)
    esc = html.escape
    parts = [f"<h1>{esc(t['title'].format(count=count))}</h1>",
             f"<p>{esc(t['intro'].format(grader=data['grader'], csv=Path(data['csv']).name))}</p>"]
    if stats["not isolated"]:
        parts.append(f'<p class="warning">{esc(t["not isolated"].format(count=stats["not isolated"]))}</p>')

    shares = [100 * stats["passed"][n] / count if count else 0 for n in exercises]
    parts.append(f"<h2>{esc(t['exercises'])}</h2>")
    values = ", ".join(f"{n} {s:.0f} %" for n, s in zip(exercises, shares))

    def bars(ax):
        ax.barh(exercises[::-1], shares[::-1], color=PALETTE["blue"])
        ax.set_xlim(0, 100)
        ax.set_xlabel(t["x share"])

    parts.append(_figure(bars, t["alt exercises"].format(count=count, values=values), language))
    parts.append("<ul>" + "".join(f"<li>{esc(t['exercise row'].format(name=n, passed=stats['passed'][n], count=count, share=_share(stats['passed'][n], count)))}</li>" for n in exercises) + "</ul>")

    parts.append(f"<h2>{esc(t['totals'])}</h2>")
    points = list(stats["totals"])
    heights = [stats["totals"][p] for p in points]

    def histogram(ax):
        ax.bar(points, heights, color=PALETTE["bluish green"])
        ax.set_xticks(points)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(t["x total"])
        ax.set_ylabel(t["y count"])

    parts.append(_figure(histogram, t["alt totals"].format(points=len(exercises), values=", ".join(f"{p}: {h}" for p, h in zip(points, heights))), language))

    parts.append(f"<h2>{esc(t['mistakes'])}</h2>")
    top = stats["mistakes"][:12]
    if top:
        def mistakes(ax):
            labels = [code for code, _ in top][::-1]
            ax.barh(labels, [n for _, n in top][::-1], color=PALETTE["vermillion"])
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel(t["x mistakes"])

        parts.append(_figure(mistakes, t["alt mistakes"].format(values=", ".join(f"{c}: {n}" for c, n in top)), language))
        parts.append("<ol>" + "".join(
            f"<li><code>{esc(code)}</code> {esc(t['mistake row'].format(message=_label(data, code), n=n, count=count, share=_share(n, count)))}</li>"
            for code, n in stats["mistakes"]) + "</ol>")
    else:
        parts.append(f"<p>{esc(t['no mistakes'])}</p>")

    parts.append(f"<h2>{esc(t['together'])}</h2>")
    by_code = dict(stats["mistakes"])
    if stats["pairs"]:
        parts.append("<ul>" + "".join(
            f"<li>{esc(t['together row'].format(a=a, b=b, n=n, share_a=_share(n, by_code[a])))}</li>" for a, b, n in stats["pairs"][:20]) + "</ul>")
    else:
        parts.append(f"<p>{esc(t['no pairs'])}</p>")

    parts.append(f"<h2>{esc(t['statuses'])}</h2><ul>")
    for status, n in stats["statuses"]:
        parts.append(f"<li>{esc(t['status row'].format(status=status, n=n, share=_share(n, count), meaning=data['statuses'].get(status, '')))}</li>")
    parts.append("</ul>")

    parts.append(f"<h2>{esc(t['submissions'])}</h2><table><thead><tr>" + "".join(f"<th scope=\"col\">{esc(c)}</th>" for c in t["columns"]) + "</tr></thead><tbody>")
    base = Path(data["csv"]).resolve().parent
    for row in data["rows"]:
        link = ""
        if row.get("feedback"):
            target = os.path.relpath(base / row["feedback"], Path(out).resolve().parent)
            link = f'<a href="{esc(quote(target))}">{esc(t["feedback"])}</a>'
        parts.append(f"<tr><td>{esc(row['submission'])}</td><td>{esc(row['total'])}</td><td>{esc(row['status'])}</td>"
                     f"<td>{esc(row.get('mistakes', '').replace(';', ' '))}</td><td>{link}</td></tr>")
    parts.append("</tbody></table>")
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
             "img{max-width:100%;height:auto;background:#fff}table{border-collapse:collapse;width:100%}"
             "td,th{border-bottom:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}"
             ".warning{border-left:6px solid #D55E00;padding:.5rem 1rem}"
             "@media (prefers-color-scheme: dark){body{background:#111;color:#eee}a{color:#56B4E9}td,th{border-color:#444}}")
    title = esc(t["title"].format(count=count))
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{style}</style></head><body><main>\n" + "\n".join(parts) + "\n</main></body></html>\n")


def write_report(grades: Path, out: Path, language: str | None = None) -> dict:
    """Write the report of ``grades`` to ``out`` in ``language`` (default: the grades' own, else the one in
    use); returns its statistics."""
    data = load(grades)
    stats = statistics(data)
    if language is None:
        language = data.get("language") or get_language()
    write_atomically(Path(out), render(data, stats, out, language))
    return stats
