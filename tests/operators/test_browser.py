"""The evidence page in a real browser: headless Chromium renders it; statuses and highlights are in the DOM.

Needs Debian's ``chromium`` package (``apt-get install -y chromium``; ``.ci/run`` installs it). Skipped,
with that reason, only where no Chromium binary exists. A screenshot of the rendered page is kept at
``tests/artifacts/explain_P1.png`` (``tests/artifacts/explain_example.png`` is the committed example).
"""
from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.explain import write_html

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: no network, no first-run or background services: the page is a local file with no external assets
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio"]


def _chromium() -> str | None:
    explicit = os.environ.get("NELM_CHROMIUM")
    if explicit and Path(explicit).exists():
        return explicit
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium browser found: install Debian's chromium package (apt-get install -y chromium, as .ci/run does) "
           "or set NELM_CHROMIUM to a Chromium/Chrome binary")


def _chrome(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    env = {**os.environ, "HOME": str(tmp_path)}  # chromium writes caches under HOME
    return subprocess.run(cmd, capture_output=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture()
def page(decided_dir, tmp_path) -> Path:
    return write_html(decided_dir, "P1", tmp_path / "P1 evidence.html")   # a space in the path: file URL quoting


def test_rendered_dom_has_statuses_and_highlights(decided_dir, page, tmp_path):
    result = _chrome(["--dump-dom", page.as_uri()], tmp_path)
    dom = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0 and "<html" in dom, result.stderr.decode(errors="replace")[-2000:]
    parsed = _Dom()
    parsed.feed(dom)
    text = "".join(parsed.text)

    expected = {r["therapy"]: r["status"] for r in pq.read_table(decided_dir / "eligibility.parquet").to_pylist()
                if r["patient_id"] == "P1"}
    rendered = {a["data-therapy"]: a["data-status"] for t, a in parsed.elements
                if t == "span" and "status" in (a.get("class") or "").split() and "data-therapy" in a}
    assert rendered == expected

    marks = [a for t, a in parsed.elements if t == "mark" and "data-mentions" in a]
    labels = {label for a in marks for label in a["data-label"].split()}
    assert {"SIZE", "LIVER_LESION", "LIVER_SEGMENT", "LIVER_LOBE", "KI67", "EXTRAHEPATIC_SITE"} <= labels
    classes = {c for a in marks for c in a["class"].split()}
    assert {"negated", "uncertain", "historical"} <= classes
    assert "LIVER_LESION · NEGATED" in text and "EXTRAHEPATIC_SITE · UNCERTAIN" in text
    assert "LIVER_LESION · HISTORICAL" in text

    # the hostile report line is text in the DOM, never an element
    assert "<script>alert(1)</script>" in text
    assert not [t for t, _ in parsed.elements if t == "script"]
    assert "R10f" in text and "Accurate preoperative imaging" in text


def test_screenshot_is_kept_as_an_artifact(page, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "explain_P1.png"
    shot.unlink(missing_ok=True)
    # tall enough to show the statuses, the reasons and the highlighted source reports in one image
    result = _chrome([f"--screenshot={shot}", "--window-size=1200,4400", page.as_uri()], tmp_path)
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
