"""Vendor what a page would otherwise load from a CDN: `python tools/assets.py`.

MathJax 3, RequireJS and the ipywidgets HTML manager come from pinned npm
packages. They are fetched once with `npm pack` into `_build/.npm-cache`,
checked against the registry's integrity hash (or, offline, by unpacking them
completely), and unpacked into `_build/offline/_static/offline/`, from where
the `offline_assets` Sphinx extension copies them into every HTML build. Every
page then loads them by a relative URL and reads offline.

Without npm (or when npm cannot fetch a package) the book still builds: small
loaders then fetch the same versions from a CDN at reading time, so math and
widgets need a network, and the browser checks fail in CI and skip elsewhere.

Quick the second time: when `VERSIONS` already names the pinned packages,
nothing is done. A cached tarball that fails its check is fetched again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".npm-cache"
OFFLINE = ROOT / "_build" / "offline"
TEMPLATES = Path(__file__).with_name("assets")
PINS = {"mathjax": "3.2.2", "requirejs": "2.3.8",
        "@jupyter-widgets/html-manager": "1.0.15"}
ASSETS = " ".join(f"{name}@{version}" for name, version in PINS.items())
# MathJax's other combined bundles: never loaded by tex-mml-chtml.js, so not shipped
MATHJAX_UNUSED = {"mml-chtml.js", "mml-svg.js", "node-main.js", "tex-chtml.js",
                  "tex-chtml-full.js", "tex-chtml-full-speech.js", "tex-mml-svg.js",
                  "tex-svg.js", "tex-svg-full.js"}
FONTS = (".woff", ".woff2", ".ttf", ".eot", ".svg")
LICENCES = ("Third-party files served with the book so that it reads offline, unpacked by\n"
            "tools/assets.py from the npm packages named on the first line. Licences: "
            "MathJax\nApache-2.0 (mathjax/LICENSE), RequireJS MIT (header of require.js), "
            "ipywidgets\nHTML manager BSD-3-Clause (html-manager/package.json, "
            "dist/embed.js.LICENSE.txt).\n")


class FetchError(Exception):
    """npm could not provide a package; the message says which and why."""


def tarball_name(name: str, version: str) -> str:
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def registry_integrity(spec: str) -> str | None:
    """The registry's `sha512-...` hash of `spec`, or None when it cannot be asked."""
    try:
        run = subprocess.run(["npm", "view", spec, "dist.integrity"], capture_output=True,
                             text=True, timeout=60, cwd=CACHE)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = run.stdout.strip()
    return value if run.returncode == 0 and value.startswith("sha512-") else None


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def unpacks(data: bytes) -> bool:
    """Does the tarball read to its end (a truncated download does not)?"""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar:
                if member.isfile():
                    tar.extractfile(member).read()
        return True
    except (tarfile.TarError, OSError, EOFError):
        return False


def fetch(name: str, version: str) -> bytes:
    """The package's tarball, from the cache when it passes its check, else from npm."""
    spec, path = f"{name}@{version}", CACHE / tarball_name(name, version)
    expected = registry_integrity(spec)
    for attempt in ("cache", "npm"):
        if attempt == "npm":
            path.unlink(missing_ok=True)
            try:
                run = subprocess.run(["npm", "pack", "--silent", spec], cwd=CACHE,
                                     capture_output=True, text=True, timeout=300)
            except (OSError, subprocess.TimeoutExpired) as error:
                raise FetchError(f"npm pack {spec} failed: {error}") from None
            if run.returncode != 0:
                raise FetchError(f"npm pack {spec} failed: {run.stderr.strip()[-300:]}")
        if path.is_file():
            data = path.read_bytes()
            good = integrity(data) == expected if expected else unpacks(data)
            if good:
                return data
            print(f"Offline assets: {path.name} in the npm cache is corrupt; fetching again")
    raise FetchError(f"{spec} from npm does not match the registry's integrity hash")


def members(tar: tarfile.TarFile, prefix: str):
    for member in tar.getmembers():
        if member.isfile() and member.name.startswith(prefix):
            yield member, member.name[len(prefix):]


def unpack(stage: Path, tarballs: dict[str, bytes]) -> None:
    """Write the files the book serves into `stage` (the `_static/offline` folder)."""
    def tar(name):
        return tarfile.open(fileobj=io.BytesIO(tarballs[name]), mode="r:gz")

    with tar("mathjax") as t:
        for member, rel in members(t, "package/es5/"):
            if rel not in MATHJAX_UNUSED:
                out = stage / "mathjax" / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(t.extractfile(member).read())
        (stage / "mathjax" / "LICENSE").write_bytes(
            t.extractfile("package/LICENSE").read())
    with tar("requirejs") as t:
        (stage / "require.js").write_bytes(t.extractfile("package/require.js").read())
    with tar("@jupyter-widgets/html-manager") as t:
        for member, rel in members(t, "package/"):
            keep = rel in ("package.json", "dist/embed-amd.js", "dist/embed.js.LICENSE.txt")
            if keep or (rel.startswith("dist/") and rel.count("/") == 1
                        and rel.endswith(FONTS)):
                out = stage / "html-manager" / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(t.extractfile(member).read())


def widgets_setup(dist: str) -> str:
    return (TEMPLATES / "widgets-setup.js").read_text().replace("__WIDGETS_DIST__", dist)


def from_npm(stage: Path) -> None:
    if shutil.which("npm") is None:
        raise FetchError("npm is not installed")
    CACHE.mkdir(parents=True, exist_ok=True)
    tarballs = {name: fetch(name, version) for name, version in PINS.items()}
    unpack(stage, tarballs)
    (stage / "widgets-setup.js").write_text(
        widgets_setup('new URL("html-manager/dist", here).href'))
    for needed in ("mathjax/tex-mml-chtml.js", "html-manager/dist/embed-amd.js"):
        if not (stage / needed).stat().st_size:
            raise FetchError(f"{needed} is empty after unpacking")
    (stage / "VERSIONS").write_text(f"offline {ASSETS}\n{LICENCES}")


def from_cdn(stage: Path, why: str) -> None:
    print(f"WARNING: offline assets unavailable ({why}).\n"
          "  The book still builds, but its pages load MathJax and the widget manager from\n"
          "  a CDN (math and widgets then need a network), and the browser checks skip\n"
          "  (in CI they fail). Fix the cause above (install Node.js/npm, or let npm reach\n"
          "  its registry) and build again to serve them from the book itself.")
    loaders = {"mathjax/tex-mml-chtml.js": ("cdn-mathjax.js", PINS["mathjax"]),
               "require.js": ("cdn-requirejs.js", PINS["requirejs"]),
               "html-manager/dist/embed-amd.js":
                   ("cdn-html-manager.js", PINS["@jupyter-widgets/html-manager"])}
    for rel, (template, version) in loaders.items():
        out = stage / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text((TEMPLATES / template).read_text().replace("__VERSION__", version))
    cdn = ("https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@"
           f"{PINS['@jupyter-widgets/html-manager']}/dist")
    (stage / "widgets-setup.js").write_text(widgets_setup(f'"{cdn}"'))
    (stage / "VERSIONS").write_text(f"cdn-fallback {ASSETS}\n")


def main() -> int:
    versions = OFFLINE / "_static" / "offline" / "VERSIONS"
    if versions.is_file() and versions.read_text().splitlines()[:1] == [f"offline {ASSETS}"]:
        print(f"Offline assets: {ASSETS} (in {OFFLINE.relative_to(ROOT)})")
        return 0
    staging = OFFLINE.with_name(OFFLINE.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    stage = staging / "_static" / "offline"
    stage.mkdir(parents=True)
    try:
        from_npm(stage)
        print(f"Offline assets: fetched {ASSETS} from npm into {OFFLINE.relative_to(ROOT)}")
    except FetchError as error:
        shutil.rmtree(staging)
        stage.mkdir(parents=True)
        from_cdn(stage, str(error))
    shutil.rmtree(OFFLINE, ignore_errors=True)
    staging.rename(OFFLINE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
