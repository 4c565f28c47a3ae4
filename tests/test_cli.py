"""The gdcourse console script."""

import subprocess
import sys

import gdcourse
from gdcourse.__main__ import main


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exit:
        assert exit.code == 0
    assert capsys.readouterr().out.strip() == f"gdcourse {gdcourse.__version__}"


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "gdcourse", "--help"], capture_output=True, text=True, check=True)
    assert "usage: gdcourse" in result.stdout
