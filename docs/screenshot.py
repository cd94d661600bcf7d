"""Make docs/story-page.png: the story page of the bundled example, a citation clicked, in headless chromium.

python docs/screenshot.py   # needs /usr/bin/chromium; starts and stops `storyline serve` itself
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def main() -> int:
    storyline = str(Path(sys.executable).with_name("storyline"))
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "stories.db")
        subprocess.run([storyline, "ingest", "-q", "--db", db, str(REPO / "examples" / "harbor-bridge")], check=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([storyline, "serve", "--db", db, "--port", str(port)])
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    httpx.get(base + "/health", timeout=2)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(base + "/story/1", timeout=300_000)
                page.locator(".summary a.cite").nth(2).click()
                page.wait_for_timeout(300)
                page.screenshot(path=str(REPO / "docs" / "story-page.png"))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
