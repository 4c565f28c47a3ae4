"""The ``gdcourse`` command line: ``gdcourse release`` and ``gdcourse grade``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import gdcourse


def _release(args) -> int:
    from gdcourse.grading import release

    written = release(args.src, args.out)
    for path in written:
        print(f"wrote {path}")
    return 0


def _grade(args) -> int:
    from gdcourse.grading import grade

    grades = grade(args.submissions, args.out, timeout=args.timeout, feedback=args.feedback, call_timeout=args.call_timeout)
    print(f"graded {len(grades)} submission(s): {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gdcourse", description="Tools of the gradient-descent course.")
    parser.add_argument("--version", action="version", version=f"gdcourse {gdcourse.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    release = commands.add_parser("release", help="write student notebooks without solutions", description="Write student versions of the notebooks in SRC (a folder or one .ipynb) to OUT: cells tagged 'solution' are removed (markdown) or replaced by stubs that raise NotImplementedError (code).")
    release.add_argument("src", type=Path, metavar="SRC")
    release.add_argument("out", type=Path, metavar="OUT")
    release.set_defaults(func=_release)

    grade = commands.add_parser("grade", help="grade a folder of returned notebooks", description="Execute every submission in SUBMISSIONS in a fresh kernel and grade momentum_step, adagrad_step, rmsprop_step and adam_step (1 point each). Writes a CSV and one feedback file per submission.")
    grade.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    grade.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write (default: grades.csv)")
    grade.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="time limit per notebook cell (default: 60)")
    grade.add_argument("--call-timeout", type=float, default=5.0, metavar="SECONDS", help="time limit per call of a student's function (default: 5)")
    grade.add_argument("--feedback", type=Path, default=None, metavar="DIR", help="folder for the feedback files (default: <out>-feedback next to the CSV)")
    grade.set_defaults(func=_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"gdcourse {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
