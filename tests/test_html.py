"""The HTML report: self-contained, escaped, and checked in a real browser (headless Chromium).

The browser test drives Chromium over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: NUL-separated JSON on file descriptors 3 and 4), which needs
no extra package. That way it can ask the browser which fonts it really drew the Chinese
text with (``CSS.getPlatformFontsForNode``) instead of guessing from widths, collect
every console message, exception and CSP violation, and measure the page at a phone's
width. Screenshots land in the test's temp folder, or in $BRANDSCAN_SCREENSHOTS.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from brandscan.render.html import link, safe_url, snippet
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

CHROMIUM = next((p for p in (os.environ.get("BRANDSCAN_CHROMIUM"), shutil.which("chromium"),
                             shutil.which("chromium-browser"), shutil.which("google-chrome"))
                 if p), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium "
                             "fonts-noto-cjk); CI installs it")


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, ["-q", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    result = run("report", EXAMPLES / "crisis_weibo_search.csv", "--config", CONFIG_EXAMPLE,
                 "--now", "2026-11-09 08:00", "--format", "html", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    return out


@pytest.fixture(scope="module")
def html(page: Path) -> str:
    return page.read_text(encoding="utf-8")


# --- the file -----------------------------------------------------------------------------

def test_one_self_contained_file(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html and '<meta charset="utf-8">' in html
    assert "default-src 'none'" in html  # the browser itself refuses any fetch or script
    assert "<script" not in html.lower()
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"\bsrc\s*=", html, re.I)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)
    # every remote address is a plain link to a post, nothing the page loads
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and all(h.startswith(("https://weibo.com/", "#")) for h in hrefs)


def test_chinese_font_stack_and_phone_layout(html: str) -> None:
    stack = re.search(r"font-family: ([^;]+);", html)[1]
    for font in ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC"):
        assert f'"{font}"' in stack
    assert stack.rstrip().endswith("sans-serif")
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "@media (max-width: 640px)" in html


def test_sections_people_asked_for(html: str) -> None:
    for title in ("Alerts", "Timeline (per day)", "Sentiment mix", "Top complaints",
                  "Most engaging negative posts", "Influencers", "Share of voice",
                  "Response time"):
        assert f"<h2>{title}</h2>" in html, title
    assert html.count("<svg") == 3  # timeline, sentiment mix, share of voice
    assert "alert: crisis" in html  # alert markers on the timeline
    assert "first triggering post" in html and "林夕说书" in html
    assert "as of 2026-11-09 08:00" in html and "times in Asia/Shanghai" in html
    assert "烂山竹" in html and "鲜果坊官方旗舰店" in html


def test_untrusted_text_is_escaped(tmp_path: Path) -> None:
    posts = [
        {"post_id": "1", "content": "<script>alert('x')</script> 鲜果坊的山竹烂了，客服不回复，"
                                    "失望 <img src=x onerror=alert(1)>",
         "author": "<b>坏人</b>", "url": "javascript:alert(1)"},
        {"post_id": "2", "content": "鲜果坊退款被拒，客服失联，非常失望\" onmouseover=\"alert(2)",
         "author": "乙", "url": "https://weibo.com/2/x\" onclick=\"alert(3)"},
    ]
    path = tmp_path / "evil.jsonl"
    path.write_text("".join(json.dumps({**p, "published_at": "2026-11-05T08:00:00+08:00",
                                        "author_id": p["post_id"], "likes": 5,
                                        "platform": "weibo"}, ensure_ascii=False) + "\n"
                            for p in posts), encoding="utf-8")
    out = tmp_path / "evil.html"
    assert run("report", path, "--config", CONFIG_EXAMPLE, "-o", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<b>坏人" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;坏人&lt;/b&gt;" in page
    assert "javascript:" not in page
    assert not re.search(r'"\s*on\w+="', page)  # no attribute broke out of its quotes
    assert "&quot; onclick=&quot;alert(3)" in page


def test_links_and_snippets() -> None:
    assert safe_url(" https://weibo.com/1/a ") == "https://weibo.com/1/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "", None, 3):
        assert safe_url(bad) is None
        assert link(bad) == ""
    assert 'rel="noopener noreferrer nofollow"' in link("https://weibo.com/x")
    long = "山竹" * 100
    cut = snippet(long, 10)
    assert cut.startswith("<details><summary>山竹山竹山竹山竹山竹…</summary>")
    assert snippet("<i>x</i>") == "&lt;i&gt;x&lt;/i&gt;"


def test_a_failed_run_keeps_yesterdays_page(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.html"
    out.write_text("yesterday", encoding="utf-8")
    import brandscan.render.charts as charts

    def broken(*args: object, **kw: object) -> str:
        raise RuntimeError("chart failed")

    monkeypatch.setattr(charts, "mix_svg", broken)
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"post_id": "1", "content": "鲜果坊的山竹烂了，客服不回复",
                                 "published_at": "2026-11-05T08:00:00+08:00"},
                                ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["-q", "report", str(posts), "--config",
                                      str(CONFIG_EXAMPLE), "-o", str(out)])
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts.jsonl", "report.html"]


# --- in a real browser --------------------------------------------------------------------

class Chromium:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (CDP without a socket)."""

    def __init__(self, binary: str, timeout: float = 30.0):
        self.profile = tempfile.mkdtemp(prefix="brandscan-chromium-")
        self.timeout = timeout
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def fds() -> None:  # Chromium reads commands on fd 3 and answers on fd 4
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--no-default-browser-check",
             "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, deadline: float) -> None:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            if select.select([self._r], [], [], left)[0]:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise EOFError("Chromium closed the pipe")
                self._buf += chunk
        *done, self._buf = self._buf.split(b"\0")
        self.events.extend(json.loads(m) for m in done)

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("id") == self._id:
                    del self.events[i]
                    if "error" in m:
                        raise RuntimeError(f"{method}: {m['error']}")
                    return m.get("result", {})
            self._read(deadline)

    def wait_for(self, event: str, session: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            for m in self.events:
                if m.get("method") == event and m.get("sessionId") == session:
                    return m
            self._read(deadline)

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError, EOFError, RuntimeError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._w)
        os.close(self._r)
        shutil.rmtree(self.profile, ignore_errors=True)


def cjk_font_families() -> set[str]:
    """Font families this machine has that cover Chinese (fontconfig's own answer)."""
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                         check=False).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


@pytest.fixture(scope="module")
def browser() -> Any:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    b = Chromium(CHROMIUM)
    try:
        yield b
    finally:
        b.close()


@needs_chromium
def test_report_in_headless_chromium(browser: Chromium, page: Path,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    shots = Path(os.environ.get("BRANDSCAN_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    shots.mkdir(parents=True, exist_ok=True)
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"]
    for domain in ("Page", "Runtime", "Log", "DOM", "CSS"):
        browser.send(f"{domain}.enable", session=s)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                 session=s)
    browser.send("Page.navigate", {"url": page.as_uri()}, session=s)
    browser.wait_for("Page.loadEventFired", s)

    def evaluate(js: str) -> Any:
        return browser.send("Runtime.evaluate", {"expression": js, "returnByValue": True},
                            session=s)["result"]["value"]

    def screenshot(name: str, whole: bool) -> Path:
        data = browser.send("Page.captureScreenshot",
                            {"format": "png", "captureBeyondViewport": whole}, session=s)
        path = shots / name
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    assert evaluate("document.title") == "brandscan report: 鲜果坊, 果多多"
    assert evaluate("document.querySelectorAll('section svg').length") == 3

    # Chinese is drawn with fonts that have Chinese glyphs: no tofu boxes.
    root = browser.send("DOM.getDocument", {"depth": -1}, session=s)["root"]["nodeId"]
    cjk = cjk_font_families()
    assert cjk, "no font with Chinese glyphs is installed (apt-get install fonts-noto-cjk)"
    for selector in ("h1", ".verdict", "#complaints td.k", ".post", ".chart svg text"):
        node = browser.send("DOM.querySelector", {"nodeId": root, "selector": selector},
                            session=s)["nodeId"]
        assert node, selector
        fonts = browser.send("CSS.getPlatformFontsForNode", {"nodeId": node},
                             session=s)["fonts"]
        families = {f["familyName"] for f in fonts}
        text = evaluate(f"document.querySelector({json.dumps(selector)}).textContent")
        if re.search(r"[\u4e00-\u9fff]", text):
            assert families & cjk, (selector, families)
            # every glyph of the node came from a real font file, none was a fallback box
            assert all(not f["isCustomFont"] for f in fonts)
    desktop = screenshot("report-desktop.png", whole=True)

    # On a phone: nothing wider than the screen, so no sideways scrolling.
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
                 session=s)
    evaluate("new Promise(r => requestAnimationFrame(() => r(1)))")
    assert evaluate("document.documentElement.scrollWidth") <= 390
    assert evaluate("getComputedStyle(document.querySelector('th.opt')).display") == "none"
    phone = screenshot("report-phone.png", whole=False)  # the first screen

    problems = [e for e in browser.events if e.get("sessionId") == s and (
        e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled"
            and e["params"].get("type") in ("error", "warning", "assert"))
        or (e.get("method") == "Log.entryAdded"
            and e["params"]["entry"].get("level") in ("error", "warning")))]
    assert problems == []
    for shot in (desktop, phone):
        assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
