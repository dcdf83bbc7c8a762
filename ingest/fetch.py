"""Download one page with httpx: redirects capped, a timeout, a size cap, HTML only.

trafilatura's own downloader is not used: it refuses loopback addresses (the tests'
server) and gives no reason per failure. Every failure here is a FetchFailed naming the URL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from ingest.errors import FetchFailed

MAX_REDIRECTS = 5
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Page:
    url: str  # where the redirects ended
    body: bytes
    charset: str | None  # from Content-Type; None lets the extractor detect it


def status_reason(status: int) -> str:
    if status in (404, 410):
        return f"HTTP {status}: trang không tồn tại (not found)"
    if status >= 500:
        return f"HTTP {status}: lỗi máy chủ của báo (server error), thử lại sau"
    return f"HTTP {status}: máy chủ từ chối (refused)"


def read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    too_large = f"trang quá lớn, trên {max_bytes / 1_000_000:g} MB (too large)"
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(url, too_large)
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise FetchFailed(url, too_large)
    return bytes(body)


def check_html(url: str, status: int, content_type: str) -> None:
    """FetchFailed unless the answer is a 200 HTML page."""
    if status != 200:
        raise FetchFailed(url, status_reason(status))
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        raise FetchFailed(url, f"không phải trang HTML ({content_type or 'no Content-Type'}); not HTML")


def _checked(response: httpx.Response, url: str, max_bytes: int) -> Page:
    check_html(url, response.status_code, response.headers.get("content-type", ""))
    return Page(str(response.url), read_capped(response, url, max_bytes), response.charset_encoding)


def fetch(url: str, client: httpx.Client, max_bytes: int) -> Page:
    """GET `url` with `client` (see `make_client`); FetchFailed with the reason on any failure."""
    with transport_failures(url, client):
        with client.stream("GET", url) as response:
            return _checked(response, url, max_bytes)


@contextlib.contextmanager
def transport_failures(url: str, client: httpx.Client) -> Iterator[None]:
    """What httpx raises for one request, as that URL's FetchFailed with a reason a person reads."""
    try:
        yield
    except httpx.TooManyRedirects:
        raise FetchFailed(url, f"chuyển hướng vòng lặp hoặc quá {MAX_REDIRECTS} lần (redirect loop)") from None
    except httpx.TimeoutException:
        raise FetchFailed(url, f"quá thời gian chờ {client.timeout.read:g} s (timeout)") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise FetchFailed(url, f"không kết nối được ({type(exc).__name__}: {exc})") from None
    except UnicodeError as exc:  # a host IDNA cannot encode ("a..b", "xn--"), as a listing may give
        raise FetchFailed(url, f"tên miền không hợp lệ (invalid host: {type(exc).__name__}: {str(exc)[:100]})") \
            from None


def make_client(user_agent: str, timeout_seconds: float) -> httpx.Client:
    """One client for a run: an identifiable User-Agent, redirects followed up to MAX_REDIRECTS."""
    return httpx.Client(
        headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml"},
        timeout=httpx.Timeout(timeout_seconds), follow_redirects=True, max_redirects=MAX_REDIRECTS,
    )
