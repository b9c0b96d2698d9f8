"""Set up the book's virtual environment: `python3 tools/venv.py VENV STAMP`.

Run by `make` (target `setup`) with the interpreter named by `PYTHON`:

1. stops with one line naming the fix when that Python is older than 3.11
   (the versions tested are 3.11.2 to 3.13; newer ones get a warning);
2. creates VENV when it is missing;
3. installs requirements.txt with constraints.txt, unless what VENV holds
   already satisfies both (so an edit that changes no pin installs nothing);
4. touches STAMP.

Written for any Python 3, so that an old one reaches the message in step 1.
"""

import os
import subprocess
import sys

TESTED = ((3, 11), (3, 13))  # the range the README promises and CI checks
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def say(line):
    print("make: " + line)


def check_interpreter():
    v = sys.version_info
    here = "%s is Python %d.%d.%d" % (sys.executable, v[0], v[1], v[2])
    if v[:2] < TESTED[0]:
        say("the book needs Python 3.11 or newer, but %s: install one (e.g. "
            "`apt-get install python3.11` or pyenv), then `make PYTHON=python3.11`" % here)
        sys.exit(1)
    if v[:2] > TESTED[1]:
        say("warning: %s, newer than the versions tested (3.11 to 3.13)" % here)


def satisfied(venv_python):
    """True when the venv already has every requirement at the pinned version."""
    probe = subprocess.run([venv_python, os.path.abspath(__file__), "--satisfied"],
                           cwd=ROOT, stdout=subprocess.PIPE, universal_newlines=True)
    if probe.returncode:
        say("installing requirements.txt with constraints.txt (%s)"
            % (probe.stdout.strip() or "new environment"))
    return probe.returncode == 0


def report_unsatisfied():
    """Inside the venv: exit 0 when the pins are met, else print the first miss."""
    try:
        from importlib import metadata
        from packaging.requirements import Requirement
    except ImportError:
        sys.exit(1)

    def lines(name):
        with open(os.path.join(ROOT, name)) as f:
            for line in f:
                line = line.split(" #")[0].strip()
                if line and not line.startswith(("#", "-")):
                    yield Requirement(line)

    def installed(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    pins = {}
    for req in lines("constraints.txt"):
        if req.marker is None or req.marker.evaluate():
            pins[req.name.lower()] = req
    wanted = list(lines("requirements.txt")) + [Requirement("d2lutils")]
    for req in wanted:
        have = installed(req.name)
        if have is None or not req.specifier.contains(have, prereleases=True):
            print("%s %s is not installed" % (req.name, req.specifier))
            sys.exit(1)
    for name, pin in pins.items():
        have = installed(name)
        if have is not None and not pin.specifier.contains(have, prereleases=True):
            print("%s %s installed, constraints.txt pins %s" % (name, have, pin.specifier))
            sys.exit(1)
    sys.exit(0)


def main(venv, stamp):
    check_interpreter()
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        say("creating %s with %s" % (venv, sys.executable))
        if subprocess.call([sys.executable, "-m", "venv", venv]):
            say("`%s -m venv` failed: on Debian/Ubuntu install python3-venv" % sys.executable)
            sys.exit(1)
    if not satisfied(python):
        cmd = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "-r", "requirements.txt", "-c", "constraints.txt"]
        if subprocess.call(cmd, cwd=ROOT):
            sys.exit(1)
    with open(stamp, "a"):
        os.utime(stamp, None)


if __name__ == "__main__":
    if sys.argv[1:] == ["--satisfied"]:
        report_unsatisfied()
    elif len(sys.argv) == 3:
        main(*sys.argv[1:])
    else:
        print(__doc__.strip().splitlines()[0])
        sys.exit(2)
