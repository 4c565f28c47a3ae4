"""The ``gdcourse`` command line: ``release``, ``grade``, ``report`` and ``export``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

import gdcourse
from gdcourse.i18n import LANGUAGES

MiB = 1 << 20


def _release(args) -> int:
    from gdcourse.grading import release

    written = release(args.src, args.out, language=args.language, locale_dir=args.locale_dir)
    for path in written:
        print(f"wrote {path}")
    return 0


def _grade(args) -> int:
    from gdcourse.grading import Settings, grade
    from gdcourse.grading.sandbox import Limits, SandboxUnavailable

    limits = Limits(memory=int(args.max_memory * MiB), processes=args.max_processes, cpu_time=args.max_cpu_time,
                    file_size=int(args.max_file_size * MiB))
    settings = Settings(timeout=args.timeout, wall_time=args.wall_time, call_timeout=args.call_timeout,
                        max_output=int(args.max_output * MiB), isolated=not args.no_sandbox, limits=asdict(limits))
    try:
        grades = grade(args.submissions, args.out, feedback=args.feedback, jobs=args.jobs, scheduler=args.scheduler,
                       settings=settings, report=not args.no_report, language=args.language,
                       exercises=args.exercises)
    except KeyboardInterrupt:
        print(f"\ngdcourse grade: interrupted. Every finished row is in {args.out}; run the same command again to "
              "grade the rest (nothing is graded twice).", file=sys.stderr)
        return 130
    except SandboxUnavailable as error:
        print(f"gdcourse grade: the sandbox cannot run on this machine: {error}.\n"
              "Nothing was graded. Install what is missing, or pass --no-sandbox to grade WITHOUT isolation "
              "(only for notebooks you trust).", file=sys.stderr)
        return 3
    print(f"graded {len(grades)} submission(s): {args.out}")
    return 0


def _report(args) -> int:
    from gdcourse.grading.report import write_report

    write_report(args.grades, args.out, language=args.language)
    print(f"wrote {args.out}")
    return 0


def _export(args) -> int:
    from gdcourse.grading.lms import export

    rows = export(args.grades, args.out, args.format, points=args.points, roster=args.roster)
    print(f"wrote {rows} row(s) for {args.format}: {args.out}")
    return 0


def _exercise_names(text: str) -> list:
    """``--exercises NAME[,NAME...]``: the names, checked before anything is graded."""
    from gdcourse.grading import assignment

    try:
        return assignment([name.strip() for name in text.split(",")])
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive(kind):
    def parse(text):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be > 0; got {text}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gdcourse", description="Tools of the gradient-descent course.")
    parser.add_argument("--version", action="version", version=f"gdcourse {gdcourse.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    release = commands.add_parser("release", help="write student notebooks without solutions", description="Write student versions of the notebooks in SRC (a folder or one .ipynb) to OUT: cells tagged 'solution' are removed (markdown) or replaced by stubs that raise NotImplementedError (code).")
    release.add_argument("src", type=Path, metavar="SRC")
    release.add_argument("out", type=Path, metavar="OUT")
    release.add_argument("--language", choices=LANGUAGES, default="en", help="the language of the markdown cells: ko translates them from the book's catalogues (code cells are unchanged; default: en)")
    release.add_argument("--locale-dir", type=Path, default=None, metavar="DIR", help="the book's catalogues, DIR/<language>/LC_MESSAGES/<page>.po (default: the locale/ folder next to SRC's folder)")
    release.set_defaults(func=_release)

    from gdcourse.exercises import EXERCISES

    grade = commands.add_parser(
        "grade", help="grade a folder of returned notebooks",
        description="Run every *.ipynb in SUBMISSIONS in its own sandbox and grade the exercises of --exercises (1 point each). "
                    "Writes a CSV, one feedback file per submission, a journal that makes the next run resume, and a class report.")
    grade.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    grade.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write (default: grades.csv)")
    grade.add_argument("--exercises", type=_exercise_names, default=None, metavar="NAME[,NAME...]",
                       help=f"the exercises of the assignment, one CSV column each; the total is out of their number (default: all of {','.join(EXERCISES)})")
    grade.add_argument("--feedback", type=Path, default=None, metavar="DIR", help="folder for the feedback files (default: <out>-feedback next to the CSV)")
    grade.add_argument("--jobs", type=_positive(int), default=None, metavar="N", help="submissions graded at once, each in its own sandbox (default: the number of cores)")
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS", help="grade on a Dask cluster (e.g. tcp://host:8786) instead of this machine")
    grade.add_argument("--timeout", type=_positive(float), default=60.0, metavar="SECONDS", help="time limit per notebook cell (default: 60)")
    grade.add_argument("--wall-time", type=_positive(float), default=600.0, metavar="SECONDS", help="time limit for the whole notebook (default: 600)")
    grade.add_argument("--call-timeout", type=_positive(float), default=5.0, metavar="SECONDS", help="time limit per call of a student's function (default: 5)")
    grade.add_argument("--max-memory", type=_positive(float), default=1024, metavar="MiB", help="memory per submission, its tmpfs included (default: 1024)")
    grade.add_argument("--max-processes", type=_positive(int), default=64, metavar="N", help="processes and threads per submission at once (default: 64)")
    grade.add_argument("--max-cpu-time", type=_positive(int), default=600, metavar="SECONDS", help="CPU time per process (default: 600)")
    grade.add_argument("--max-file-size", type=_positive(float), default=64, metavar="MiB", help="size of any file a submission writes (default: 64)")
    grade.add_argument("--max-output", type=_positive(float), default=10, metavar="MiB", help="output a submission may print (default: 10)")
    grade.add_argument("--no-sandbox", action="store_true", help="run the notebooks WITHOUT isolation (rows marked isolated=no); only for notebooks you trust")
    grade.add_argument("--no-report", action="store_true", help="do not write the class report <out>-report.html")
    grade.add_argument("--language", choices=LANGUAGES, default=None, help="the language of the feedback and the report (default: GDCOURSE_LANGUAGE, else en)")
    grade.set_defaults(func=_grade)

    report = commands.add_parser("report", help="the class report of a grades CSV", description="Write a static HTML page (works offline) with the score distribution, the most common mistakes, which mistakes come together, the statuses and a link to each submission's feedback.")
    report.add_argument("grades", type=Path, metavar="GRADES.csv")
    report.add_argument("--out", type=Path, default=Path("report.html"), help="the page to write (default: report.html)")
    report.add_argument("--language", choices=LANGUAGES, default=None, help="the language of the page (default: the grades')")
    report.set_defaults(func=_report)

    from gdcourse.grading.lms import FORMATS

    export = commands.add_parser("export", help="a gradebook CSV for Canvas or Moodle", description="Write the grades in the column conventions a learning-management system imports (see book/instructors.md).")
    export.add_argument("grades", type=Path, metavar="GRADES.csv")
    export.add_argument("--format", choices=sorted(FORMATS), required=True, help="the gradebook's conventions")
    export.add_argument("--out", type=Path, required=True, help="the CSV to write")
    export.add_argument("--roster", type=Path, default=None, metavar="CSV", help="a CSV with columns submission and the student's identifiers (Canvas: Student, ID, SIS User ID, SIS Login ID, Section; Moodle: Email address or ID number); default: the submission's stem is the identifier")
    export.add_argument("--points", type=_positive(float), default=None, metavar="P", help="points possible for the assignment (default: one per exercise)")
    export.set_defaults(func=_export)
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
