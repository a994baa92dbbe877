"""LibreOffice (a second, independent spreadsheet program) opening our workbooks.

It comes from Debian's libreoffice-calc-nogui (scripts/system-deps.sh). Without it a test
using it is skipped locally, but fails when the CI environment variable is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# LibreOffice's CSV filter options: comma, double quote, UTF-8, start row 1, default
# column types, en-US, quoted text, detect numbers, "as shown", formulas off, no BOM,
# and -1: every sheet into its own file named <name>-<sheet>.csv.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,true,false,false,-1"


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "soffice is missing: CI must install libreoffice-calc-nogui (scripts/system-deps.sh)"
            )
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/system-deps.sh as root")
    return path


def convert(workbook: Path, out: Path, target: str) -> subprocess.CompletedProcess[str]:
    profile = out / "profile"  # a private profile: parallel runs do not share a lock
    return subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
