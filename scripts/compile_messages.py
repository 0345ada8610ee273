"""Compile every app's translations (.po -> .mo) whose .po changed since the last compile.

Runs GNU msgfmt (Debian's gettext) directly; the compiled files are build output, not committed.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        print("msgfmt not found: install Debian's gettext package (apt-get install gettext)")
        return 1
    compiled = 0
    for po in sorted(ROOT.glob("qinkuaiban/**/locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        result = subprocess.run(  # noqa: S603
            [msgfmt, "--check-format", "-o", str(mo), str(po)],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            print(f"{po.relative_to(ROOT)}: {result.stderr.strip()}")
            return 1
        compiled += 1
    if compiled:
        print(f"compiled {compiled} translation catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
