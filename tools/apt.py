"""Install a Debian package the build can use: `python tools/apt.py WHAT CHECK PKG...`.

WHAT names the need in messages ("Fashion-MNIST"); CHECK is a path or a
command, or several separated by commas: when one exists (or is on PATH)
nothing is installed. Otherwise, as
root with apt-get available, the packages are installed; elsewhere one line
says what is missing and what happens instead. Never fails the build: the
callers (the data module, the browser and PDF checks) say themselves what
they need when it is still missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def present(check: str) -> str | None:
    """The first of the comma-separated paths or commands in `check` that exists."""
    for one in check.split(","):
        found = one if "/" in one and os.path.exists(one) else shutil.which(one)
        if found:
            return found
    return None


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__.splitlines()[0])
        return 2
    what, check, packages = argv[0], argv[1], argv[2:]
    found = present(check)
    if found:
        print(f"{what}: using {found}")
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"{what}: {check} is missing and apt-get is not usable here "
              f"(install {' '.join(packages)})")
        return 0
    print(f"{what}: installing the Debian package(s) {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", *packages]):
        if subprocess.run(command, env=env).returncode != 0:
            print(f"{what}: {' '.join(command)} failed; continuing without it")
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
