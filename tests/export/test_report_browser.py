"""The HTML report in headless Chromium: no console errors, no external requests, Thai rendered.

Drives Chromium over the DevTools protocol (a few messages over a websocket) so that console
errors, uncaught exceptions, failed loads and every network request are seen, and asks the
browser which installed font actually drew the Thai text.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from voc.export.config import ExportConfig
from voc.export.writers import write_exports
from voc.insights.config import InsightsConfig
from voc.insights.synthetic import (
    planted_records,
    planted_run_log,
    planted_topic_registry,
)
from voc.insights.tables import build_weekly_tables, topic_history

CHROMIUM = os.environ.get("VOC_CHROMIUM", "/usr/bin/chromium")
WEEK = "2026-W10"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}")


def thai_font_families() -> set[str]:
    """Installed font families that cover Thai (``fc-list :lang=th``)."""
    if not shutil.which("fc-list"):
        return set()
    out = subprocess.run(["fc-list", ":lang=th", "family"], capture_output=True, text=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


class Page:
    """One headless Chromium page driven over the DevTools protocol."""

    def __init__(self, profile: Path) -> None:
        from websockets.sync.client import connect

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1280,1800",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        url = self._devtools_url()
        self.ws = connect(url, max_size=64 * 2**20, open_timeout=20)
        self.ids = itertools.count(1)
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page", "DOM", "CSS"):
            self.call(f"{domain}.enable", session=True)

    def _devtools_url(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                return m.group(1)
            if not line and self.proc.poll() is not None:
                break
        raise RuntimeError("Chromium did not start its DevTools endpoint")

    def call(self, method: str, session: bool = False, timeout: float = 30, **params) -> dict:
        msg_id = next(self.ids)
        msg = {"id": msg_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(method)

    def open(self, url: str) -> None:
        self.call("Page.navigate", session=True, url=url)
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError("page did not load")
            self.events.append(json.loads(self.ws.recv(timeout=30)))
        self.call("Runtime.evaluate", session=True, expression="1")  # drain late messages

    def problems(self) -> list[str]:
        """Console errors/warnings, uncaught exceptions and browser log errors seen so far."""
        out = []
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif method == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append(f"exception: {d.get('text', '')} {d.get('exception', {}).get('description', '')}")
            elif method == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                out.append("log: " + p["entry"]["text"])
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", session=True, expression=expression,
                         returnByValue=True)["result"].get("value")

    def fonts_of(self, selector: str) -> list[str]:
        """Font families the browser used to draw the text inside the first ``selector`` match."""
        root = self.call("DOM.getDocument", session=True)["root"]["nodeId"]
        node = self.call("DOM.querySelector", session=True, nodeId=root, selector=selector)["nodeId"]
        assert node, f"no element matches {selector}"
        fonts = self.call("CSS.getPlatformFontsForNode", session=True, nodeId=node)["fonts"]
        return [f["familyName"] for f in fonts]

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def page(tmp_path):
    p = Page(tmp_path / "profile")
    yield p
    p.close()


@pytest.fixture(scope="module")
def week_tables():
    records = planted_records(WEEK, seed=0)
    registry = planted_topic_registry(WEEK)
    cfg = InsightsConfig(segment_fields=["product"])
    tables = build_weekly_tables(WEEK, records, registry, planted_run_log(WEEK, records, failed=("line_oa",)), cfg)
    return tables, topic_history(WEEK, records, registry, cfg)


def _write(week_tables, folder: Path, lang: str) -> Path:
    tables, history = week_tables
    write_exports(WEEK, tables, folder, ExportConfig(formats=["html"], report_language=lang), history=history,
                  links={"app_store": "https://crm.example/tickets/{id}"})
    return folder / "report.html"


@pytest.fixture(scope="module", params=["en", "th"])
def report(request, week_tables, tmp_path_factory) -> Path:
    return _write(week_tables, tmp_path_factory.mktemp(f"exports-{request.param}") / WEEK, request.param)


def test_report_loads_cleanly_and_renders_thai(page, report, tmp_path):
    page.open(report.as_uri())
    assert page.problems() == []
    external = [u for u in page.requests() if not u.startswith(("file:", "data:", "about:"))]
    assert external == []

    thai_nodes = page.evaluate(
        "(() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const out = [];"
        " while (w.nextNode()) { if (/[\\u0E00-\\u0E7F]/.test(w.currentNode.nodeValue)) out.push(w.currentNode.nodeValue); }"
        " return out; })()"
    )
    assert len(thai_nodes) > 10
    assert any("ส่งของช้า" in t for t in thai_nodes)  # a Thai topic label, as text, not tofu-escaped
    assert page.evaluate("document.querySelectorAll('svg text').length") > 10  # charts drew labels
    # the summary is the first section, and says what changed in sentences
    assert page.evaluate("document.querySelector('main section').id") == "summary"
    assert page.evaluate("document.querySelectorAll('#summary li').length") >= 5

    installed = thai_font_families()
    assert installed, "no Thai-capable font installed (fc-list :lang=th is empty)"
    # The font Chromium actually used for a Thai theme name and a Thai chart label covers Thai.
    for selector in ('tr[data-theme="t001"] b', "svg .t"):
        used = page.fonts_of(selector)
        assert set(used) & installed, f"{selector} drawn with {used}, none of them covers Thai"

    assert page.evaluate("document.body.innerText").count("line_oa") >= 1  # partial week named
    shot = tmp_path / "report.png"
    page.screenshot(shot)
    assert shot.stat().st_size > 20_000
    if os.environ.get("VOC_SCREENSHOT_DIR"):  # keep it for a person to look at
        shutil.copy(shot, Path(os.environ["VOC_SCREENSHOT_DIR"]) / f"report-{report.parent.parent.name}.png")


def test_the_quote_filter_changes_what_is_visible(page, report):
    page.open(report.as_uri())
    visible = "document.querySelectorAll('#quotes .quote:not([hidden])').length"
    total = page.evaluate("document.querySelectorAll('#quotes .quote').length")
    assert total > 5 and page.evaluate(visible) == total
    assert page.evaluate("document.getElementById('qf-count').textContent") == str(total)
    chat = page.evaluate("document.querySelectorAll('#quotes .quote[data-channel=\"chat\"]').length")
    assert 0 < chat < total
    page.evaluate("(() => { const s = document.getElementById('qf-channel'); s.value = 'chat';"
                  " s.dispatchEvent(new Event('change')); })()")
    assert page.evaluate(visible) == chat
    assert page.evaluate("[...document.querySelectorAll('#quotes .quote:not([hidden])')]"
                         ".every(q => q.dataset.channel === 'chat')")
    assert page.evaluate("document.getElementById('qf-count').textContent") == str(chat)
    page.evaluate("(() => { const s = document.getElementById('qf-segment'); s.value = 'product=app';"
                  " s.dispatchEvent(new Event('change')); })()")
    expected = page.evaluate("[...document.querySelectorAll('#quotes .quote')].filter(q => q.dataset.channel === "
                             "'chat' && q.dataset.segments.includes('|product=app|')).length")
    assert page.evaluate(visible) == expected  # both filters at once
    page.evaluate("(() => { const s = document.getElementById('qf-channel'); s.value = '';"
                  " s.dispatchEvent(new Event('change')); })()")
    app = page.evaluate(visible)
    assert 0 < app < total
    assert page.evaluate("[...document.querySelectorAll('#quotes .quote:not([hidden])')]"
                         ".every(q => q.dataset.segments.includes('|product=app|'))")
    page.evaluate("(() => { for (const id of ['qf-channel', 'qf-segment']) { const s = document.getElementById(id);"
                  " s.value = ''; s.dispatchEvent(new Event('change')); } })()")
    assert page.evaluate(visible) == total
    assert page.problems() == []


def test_the_check_catches_console_errors_and_external_requests(page, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><meta charset="utf-8">'
                   '<script src="https://cdn.invalid/chart.js"></script></head>'
                   '<body><p>ทดสอบ</p><script>console.error("boom"); notDefined();</script></body></html>',
                   encoding="utf-8")
    page.open(bad.as_uri())
    problems = " | ".join(page.problems())
    assert "boom" in problems and "notDefined" in problems and "ERR_NAME_NOT_RESOLVED" in problems
    assert any(u.startswith("https://cdn.invalid") for u in page.requests())
