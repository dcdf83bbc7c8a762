"""Download one page with httpx: bounded in time, size and place, HTML only.

- One wall-clock deadline per URL (HOIBAO_FETCH_TIMEOUT_SECONDS) covers connecting, the headers,
  the body and every redirect (ingest.transport), not each socket read alone.
- The body is decoded here, the cap counting decoded bytes (ingest.body).
- Redirects are followed hop by hop, at most MAX_REDIRECTS, each hop on the site of the URL asked
  for (ingest.site); addresses are checked before connecting (ingest.transport).

trafilatura's own downloader is not used: it gives no reason per failure. Every failure here is
a FetchFailed naming the URL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from ingest.body import ACCEPT_ENCODING, decode, too_large
from ingest.errors import FetchFailed
from ingest.site import Site
from ingest.transport import AddressRefused, DeadlinePassed, deadline, guarded_transport

MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
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
    """The decoded body, or FetchFailed once it passes `max_bytes` (declared, on the wire, or decoded)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large(url, max_bytes)
    return decode(response.iter_raw(), response.headers.get("content-encoding", ""), url, max_bytes)


def check_html(url: str, status: int, content_type: str) -> None:
    """FetchFailed unless the answer is a 200 HTML page."""
    if status != 200:
        raise FetchFailed(url, status_reason(status))
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        raise FetchFailed(url, f"không phải trang HTML ({content_type or 'no Content-Type'}); not HTML")


def next_hop(current: str, location: str, asked: str, site: Site | None, seen: set[str]) -> str:
    """Where a redirect from `current` leads; FetchFailed when it is unreadable, off the site, or a loop."""
    try:
        target = urljoin(current, location)
    except ValueError:  # a Location urllib cannot read ("http://[x"): the server's fault, this URL's failure
        raise FetchFailed(asked, f"chuyển hướng tới địa chỉ không hợp lệ {location[:100]!r} (bad redirect)") from None
    if site is not None and not site.allows(target):
        raise FetchFailed(asked, "chuyển hướng " + site.refusal(target))
    if target in seen or len(seen) > MAX_REDIRECTS:
        raise FetchFailed(asked, f"chuyển hướng vòng lặp hoặc quá {MAX_REDIRECTS} lần (redirect loop)")
    seen.add(target)
    return target


def fetch(url: str, client: httpx.Client, max_bytes: int, site: Site | None = None) -> Page:
    """GET `url` with `client` (see `make_client`) on `site` (by default the URL's own);
    FetchFailed with the reason on any failure, within the client's timeout in all."""
    site = site or Site.of(url)
    if not site.allows(url):
        raise FetchFailed(url, site.refusal(url))
    current, seen = url, {url}
    with transport_failures(url, client), deadline(client.timeout.read or 30.0):
        while True:
            with client.stream("GET", current) as response:
                location = response.headers.get("location")
                if response.status_code not in REDIRECTS or not location:
                    check_html(url, response.status_code, response.headers.get("content-type", ""))
                    return Page(str(response.url), read_capped(response, url, max_bytes), response.charset_encoding)
            current = next_hop(current, location, url, site, seen)


@contextlib.contextmanager
def transport_failures(url: str, client: httpx.Client) -> Iterator[None]:
    """What httpx raises for one request, as that URL's FetchFailed with a reason a person reads."""
    try:
        yield
    except httpx.TimeoutException as exc:
        whole = isinstance(exc.__cause__, DeadlinePassed)
        raise FetchFailed(url, f"quá thời gian chờ {client.timeout.read:g} s"
                               + (" cho cả trang (deadline)" if whole else " (timeout)")) from None
    except httpx.ConnectError as exc:
        if isinstance(exc.__cause__, AddressRefused):
            raise FetchFailed(url, exc.__cause__.reason) from None
        raise FetchFailed(url, f"không kết nối được ({type(exc).__name__}: {exc})") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise FetchFailed(url, f"không kết nối được ({type(exc).__name__}: {exc})") from None
    except UnicodeError as exc:  # a host IDNA cannot encode ("a..b", "xn--"), as a listing may give
        raise FetchFailed(url, f"tên miền không hợp lệ (invalid host: {type(exc).__name__}: {str(exc)[:100]})") \
            from None


def make_client(user_agent: str, timeout_seconds: float, allow_private: bool = False) -> httpx.Client:
    """One client for a run: an identifiable User-Agent, `timeout_seconds` per URL, redirects left to
    the caller (each hop is checked), no proxy from the environment (it would bypass the address check)."""
    return httpx.Client(
        headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml",
                 "Accept-Encoding": ACCEPT_ENCODING},
        timeout=httpx.Timeout(timeout_seconds), follow_redirects=False, trust_env=False,
        transport=guarded_transport(allow_private),
    )
