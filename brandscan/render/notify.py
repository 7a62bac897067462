"""Post alerts to a webhook: 企业微信 / 钉钉 group robots, Slack, or any endpoint taking JSON.

Cron mail is not where Chinese PR teams live; their group chats are. Each format builds the
body that robot expects:

- ``json``: ``{"schema_version": 1, "source": "brandscan", "summary": ..., "alerts": [...]}``,
  the alert rows with the same keys as ``alerts --format json``.
- ``wecom``: 企业微信群机器人 ``{"msgtype": "markdown", "markdown": {"content": ...}}``
  (content is capped at 4,096 bytes by WeCom, so long alert lists are cut with a count).
- ``dingtalk``: 钉钉自定义机器人 ``{"msgtype": "markdown", "markdown": {"title", "text"}}``;
  the text starts with "brandscan", so a robot whose security setting is the keyword
  ``brandscan`` accepts it.
- ``slack``: an incoming webhook ``{"text": ...}`` in Slack's mrkdwn.

Only http and https URLs are accepted. A failure — refused connection, timeout, an HTTP
error, or a robot answering ``errcode`` other than 0 — is a :class:`BrandscanError` naming
the host and what went wrong.
"""

from __future__ import annotations

import http.client
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pandas as pd

from brandscan import __version__
from brandscan.errors import BrandscanError

FORMATS = ("json", "wecom", "dingtalk", "slack")
NOTIFY_SCHEMA_VERSION = 1
_LIMITS = {"wecom": 4000, "dingtalk": 18000, "slack": 38000}  # bytes, under each cap


def _message(alerts: pd.DataFrame, style: str, limit: int) -> str:
    """Title, summary and as many alerts as fit in ``limit`` UTF-8 bytes."""
    from brandscan.render.alerts import escape, summary, to_markdown

    bold = "*" if style == "slack" else "**"
    head = f"{bold}brandscan: {len(alerts)} alert(s){bold}\n{escape(summary(alerts), style)}\n\n"
    body = head
    for i in range(len(alerts)):
        part = to_markdown(alerts.iloc[i:i + 1], style=style, width=120)
        rest = len(alerts) - i - 1
        more = f"… and {rest} more" if rest else ""
        if len((body + part + more).encode("utf-8")) > limit:
            return body + f"… and {len(alerts) - i} more (brandscan alerts for all)"
        body += part
    return body


def payload(alerts: pd.DataFrame, fmt: str = "json") -> dict[str, Any]:
    """The JSON body for a webhook of the given format."""
    from brandscan.render.alerts import summary
    from brandscan.render.tabular import records

    if fmt == "json":
        return {"schema_version": NOTIFY_SCHEMA_VERSION, "source": f"brandscan {__version__}",
                "summary": summary(alerts), "alerts": records(alerts)}
    if fmt == "wecom":
        return {"msgtype": "markdown",
                "markdown": {"content": _message(alerts, "markdown", _LIMITS["wecom"])}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown",
                "markdown": {"title": f"brandscan: {len(alerts)} alert(s)",
                             "text": _message(alerts, "markdown", _LIMITS["dingtalk"])}}
    if fmt == "slack":
        return {"text": _message(alerts, "slack", _LIMITS["slack"])}
    raise ValueError(f"unknown notify format {fmt!r}")


#: The most of a webhook's answer brandscan reads (robots answer a few dozen bytes).
MAX_ANSWER = 64 * 1024


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is misconfigured: following a 302 would re-send nothing
    (a bodiless GET) and report success."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {_masked(newurl)} "
                                     "not followed", headers, fp)


def _masked(url: str) -> str:
    """``url`` fit for a message: no user:password, no query (webhook keys live there)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path,
                                    "…" if parts.query else "", ""))


def _printable(text: str) -> str:
    """A server's words as one plain line: no escape codes or control characters."""
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


def post_json(url: str, body: dict[str, Any], *, timeout: float = 10.0) -> str:
    """POST ``body`` as JSON; return the response text or raise a clear BrandscanError.

    ``timeout`` bounds the whole request (connecting, sending, every read), not each
    read; redirects are not followed; at most :data:`MAX_ANSWER` bytes of the answer are
    read; messages never show the URL's credentials or query (its key)."""
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise BrandscanError(f"--notify-timeout must be a positive number of seconds, not "
                             f"{timeout!r}")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or any(ch.isspace() for ch in url)):
        raise BrandscanError(f"--notify: '{_masked(url) if parts else '?'}' is not an "
                             "http(s) URL",
                             hint="give the webhook address, e.g. https://oapi.dingtalk.com/…")
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        req = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"brandscan/{__version__}"})
    except ValueError:
        raise BrandscanError(f"--notify: '{_masked(url)}' is not a usable URL",
                             hint="check the webhook address") from None
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(req, timeout=timeout) as resp:
            text = _read_answer(resp, deadline).decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        detail = _printable(exc.read(200).decode("utf-8", errors="replace")) if exc.fp else ""
        raise BrandscanError(f"--notify: {host} answered HTTP {exc.code} "
                             f"{_printable(str(exc.reason))}"
                             + (f": {detail}" if detail else ""),
                             hint="check the webhook URL and its token") from None
    except TimeoutError:
        raise BrandscanError(f"--notify: no answer from {host} within {timeout:g} s",
                             hint="raise --notify-timeout or check the network") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise BrandscanError(f"--notify: no answer from {host} within {timeout:g} s",
                                 hint="raise --notify-timeout or check the network") from None
        raise BrandscanError(f"--notify: cannot reach {host}: "
                             f"{_printable(str(reason)).replace(url, _masked(url))}",
                             hint="check the webhook URL and the network") from None
    _check_robot_answer(text, host)
    return text


def _read_answer(resp: Any, deadline: float) -> bytes:
    """The answer, read in pieces until it ends, :data:`MAX_ANSWER` bytes or the deadline
    (a server dripping one byte every few seconds cannot hold the run)."""
    chunks: list[bytes] = []
    size = 0
    while size < MAX_ANSWER:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
        if sock is not None:
            sock.settimeout(left)
        piece = resp.read1(min(8192, MAX_ANSWER - size)) if hasattr(resp, "read1") \
            else resp.read(min(8192, MAX_ANSWER - size))
        if not piece:
            break
        chunks.append(piece)
        size += len(piece)
    return b"".join(chunks)


def _check_robot_answer(text: str, host: str) -> None:
    # WeCom and DingTalk answer HTTP 200 even when they reject a message; the verdict is in
    # {"errcode": ..., "errmsg": ...}.
    try:
        answer = json.loads(text)
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise BrandscanError(f"--notify: {host} rejected the message: errcode "
                             f"{_printable(str(answer.get('errcode')))} "
                             f"{_printable(str(answer.get('errmsg', '')))}".rstrip(),
                             hint="check the robot's token and security settings (keyword "
                                  "'brandscan', IP allow-list or signature)")


def notify(url: str, alerts: pd.DataFrame, *, fmt: str = "json", timeout: float = 10.0) -> str:
    """Send the alerts to a webhook in the given format; returns the server's answer."""
    return post_json(url, payload(alerts, fmt), timeout=timeout)
