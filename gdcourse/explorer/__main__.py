"""``python -m gdcourse.explorer build``: rebuild the committed bundle from site/explorer (needs npm ci)."""

import sys

from gdcourse.explorer.bundle import BUNDLE, build


def main(argv: list[str]) -> int:
    if argv != ["build"]:
        print("usage: python -m gdcourse.explorer build", file=sys.stderr)
        return 2
    build()
    print(f"wrote {BUNDLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
