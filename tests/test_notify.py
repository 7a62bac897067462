"""Webhooks: bodies for JSON, 企业微信, 钉钉 and Slack, posted to a local HTTP server."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pandas as pd
import pytest

from brandscan.errors import BrandscanError
from brandscan.render.notify import payload, post_json
from tests.test_alerts import example_alerts


class Hook:
    """A webhook on 127.0.0.1 that records what it gets and answers as told."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.answer = '{"errcode": 0, "errmsg": "ok"}'
        self.delay = 0.0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.requests.append({"path": self.path, "headers": dict(self.headers),
                                      "body": json.loads(body.decode("utf-8"))})
                time.sleep(hook.delay)
                data = hook.answer.encode("utf-8")
                self.send_response(hook.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)  # the client may have given up (timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?key=secret"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.close()


def alerts() -> pd.DataFrame:
    return example_alerts()


def test_json_body_has_every_alert(hook: Hook) -> None:
    post_json(hook.url, payload(alerts(), "json"))
    (req,) = hook.requests
    assert req["path"] == "/hook?key=secret"
    assert req["headers"]["Content-Type"] == "application/json; charset=utf-8"
    body = req["body"]
    assert body["schema_version"] == 1 and len(body["alerts"]) == len(alerts())
    first = body["alerts"][0]
    assert first["first_author"] == "林夕说书" and first["fired"] == "2026-11-05T07:00:00+08:00"
    assert "a CRISIS alert from 2026-11-05 07:00" in body["summary"]
    assert "林夕说书" in body["summary"]


def test_wecom_dingtalk_slack_bodies() -> None:
    wecom = payload(alerts(), "wecom")
    assert wecom["msgtype"] == "markdown"
    content = wecom["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096  # WeCom's cap
    assert "**WATCH 鲜果坊 influential" in content and "林夕说书" in content
    assert "more (brandscan alerts for all)" in content  # cut, and says so
    ding = payload(alerts(), "dingtalk")
    assert ding["msgtype"] == "markdown" and ding["markdown"]["title"].startswith("brandscan")
    assert ding["markdown"]["text"].startswith("**brandscan:")  # the robot keyword
    slack = payload(alerts(), "slack")
    assert slack["text"].startswith("*brandscan:")
    assert "<https://weibo.com/1893456721/P0uUf5sVC|link>" in slack["text"]


def test_http_error_is_a_clear_error(hook: Hook) -> None:
    hook.status, hook.answer = 500, "boom"
    with pytest.raises(BrandscanError, match=r"answered HTTP 500 .*: boom"):
        post_json(hook.url, {"x": 1})


def test_robot_rejection_in_a_200_answer(hook: Hook) -> None:
    hook.answer = '{"errcode": 93000, "errmsg": "invalid webhook url"}'
    with pytest.raises(BrandscanError, match="rejected the message: errcode 93000 invalid"):
        post_json(hook.url, {"x": 1})


def test_timeout(hook: Hook) -> None:
    hook.delay = 1.0
    with pytest.raises(BrandscanError, match=r"no answer from 127\.0\.0\.1:\d+ within 0\.2 s"):
        post_json(hook.url, {"x": 1}, timeout=0.2)


def test_unreachable_and_bad_urls(hook: Hook) -> None:
    url = hook.url
    hook.close()  # nothing listens there any more
    with pytest.raises(BrandscanError, match=r"cannot reach 127\.0\.0\.1"):
        post_json(url, {"x": 1}, timeout=2)
    for bad in ("file:///etc/passwd", "ftp://example.com/x", "not a url"):
        with pytest.raises(BrandscanError, match="is not an http"):
            post_json(bad, {"x": 1})


def test_post_text_cannot_inject_links_or_markup() -> None:
    from brandscan.analyze.alerts import detect_alerts
    from tests.test_alerts import CONFIG, START, timeline_frame

    evil = {"created_at": START + pd.Timedelta(hours=30), "label": "negative",
            "author": "<b>坏人</b>", "followers": 3_000_000,
            "text": "点我 [领奖](http://evil.example) **大字** <img src=x>",
            "url": "javascript:alert(1)"}
    found = detect_alerts(timeline_frame([0, 1] * 24, negative=0.0, extra=[evil]), CONFIG)
    text = payload(found, "wecom")["markdown"]["content"]
    assert "\\[领奖\\](http://evil.example)" in text and "\\*\\*大字\\*\\*" in text
    assert "\\<img src=x\\>" in text and "\\<b\\>坏人\\</b\\>" in text
    assert "javascript:" not in text
    slack = payload(found, "slack")["text"]
    assert "&lt;img src=x&gt;" in slack and "<img" not in slack


class Drip:
    """A server that answers one byte every ``pause`` seconds, forever (or redirects)."""

    def __init__(self, pause: float = 0.3, redirect: bool = False,
                 body: bytes = b"") -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                if redirect:
                    self.send_response(302)
                    self.send_header("Location", "http://user:pw@127.0.0.1:1/x?key=k2")
                    self.end_headers()
                    return
                self.send_response(200)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if body:
                        self.wfile.write(body)
                        return
                    for _ in range(200):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(pause)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?key=secret"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_timeout_bounds_the_whole_request() -> None:
    drip = Drip(pause=0.3)  # each read gets a byte well within any per-read timeout
    try:
        start = time.monotonic()
        with pytest.raises(BrandscanError, match=r"no answer from 127\.0\.0\.1:\d+ within 1 s"):
            post_json(drip.url, {"x": 1}, timeout=1)
        assert time.monotonic() - start < 10  # (it held a per-read timeout for 60 s)
    finally:
        drip.close()


def test_redirects_are_refused_and_secrets_never_shown() -> None:
    drip = Drip(redirect=True)
    try:
        with pytest.raises(BrandscanError) as err:
            post_json(drip.url, {"x": 1}, timeout=5)
        message = str(err.value)
        assert "302" in message and "not followed" in message
        assert "secret" not in message and "pw" not in message and "key=k2" not in message
    finally:
        drip.close()
    for bad in ("http://me:pw@exa mple.com/?key=secret", "http://例子.测试:99999/?key=secret"):
        with pytest.raises(BrandscanError) as err:
            post_json(bad, {"x": 1}, timeout=1)
        assert "secret" not in str(err.value) and "pw" not in str(err.value)
    for timeout in (float("inf"), float("nan"), 0, -1):
        with pytest.raises(BrandscanError, match="notify-timeout"):
            post_json("http://127.0.0.1:1/", {"x": 1}, timeout=timeout)


def test_the_answer_is_capped_and_printed_plain() -> None:
    big = Drip(body=b'{"errcode": 9, "errmsg": "\\u001b[31mbad\\u001b[0m"}'
               + b" " * 10_000_000)
    try:
        with pytest.raises(BrandscanError) as err:
            post_json(big.url, {"x": 1}, timeout=10)
        assert "errcode 9" in str(err.value) and "\x1b" not in str(err.value)
    finally:
        big.close()


def test_a_server_speaking_no_http_is_a_one_line_error() -> None:
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def garbage() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=garbage, daemon=True)
    thread.start()
    try:
        with pytest.raises(BrandscanError, match=r"cannot reach 127\.0\.0\.1"):
            post_json(f"http://127.0.0.1:{port}/hook?key=secret", {"x": 1}, timeout=5)
    finally:
        thread.join(5)
        server.close()
