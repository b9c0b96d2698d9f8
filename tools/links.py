"""List, and when the network answers check, the book's external links.

`python tools/links.py OUTPUT.txt [HOST:PORT]` (run by `make linkcheck`)
writes every external http(s) link of `_build/html` with the pages that hold
it, prints a count per host, and then runs Sphinx's linkcheck builder if
HOST:PORT (default github.com:443) accepts a connection; offline it says so.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SKIP = {"_static", "_sources", "_images", "_downloads"}


def pages() -> list[Path]:
    return sorted(p for p in HTML.rglob("*.html")
                  if not SKIP & set(p.relative_to(HTML).parts))


def external_links() -> dict[str, list[str]]:
    """External http(s) links of the built book -> the pages that hold them."""
    links: dict[str, list[str]] = defaultdict(list)
    for page in pages():
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            if urlsplit(a["href"]).scheme in ("http", "https"):
                links[a["href"]].append(page.relative_to(HTML).as_posix())
    return dict(sorted(links.items()))


def online(probe: str) -> bool:
    host, port = probe.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
        return True
    except OSError:
        return False


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.splitlines()[0])
        return 2
    if not (HTML / "index.html").exists():
        print(f"{HTML}/index.html is missing: run `make book` first")
        return 1
    links, out = external_links(), Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{u}\t{', '.join(sorted(set(p)))}\n" for u, p in links.items()))
    hosts: dict[str, int] = defaultdict(int)
    for u in links:
        hosts[urlsplit(u).netloc] += 1
    print(f"{len(links)} external links in {len(pages())} pages (written to {out}):")
    for host, n in sorted(hosts.items(), key=lambda x: -x[1]):
        print(f"  {n:4d}  {host}")
    probe = argv[1] if len(argv) == 2 else "github.com:443"
    if not online(probe):
        print(f"No network ({probe} does not answer): links listed, not checked.")
        return 0
    jb = Path(sys.executable).with_name("jupyter-book")
    return subprocess.run([str(jb), "build", str(ROOT), "--builder", "linkcheck"]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
