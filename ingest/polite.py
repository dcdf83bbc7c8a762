"""The crawler's fetcher: robots.txt obeyed, a delay between requests to one host, conditional GET.

- robots.txt is read with Protego once per host (kept an hour; a failed read is retried after
  5 minutes). A 4xx robots.txt allows everything; a 5xx or unreachable one stops that host for
  now, as the major crawlers do.
- Requests to one host are made one at a time, each at least the host's delay after the start of
  the previous one: robots.txt's Crawl-delay (or Request-rate), capped at a minute, else
  `default_delay` (HOIBAO_CRAWL_DELAY_SECONDS, 1.5 s).
- Redirects are followed here, hop by hop, so each hop is checked against robots.txt and waits its turn,
  and stays on the site it is given (ingest.site): a listing's entries and their redirects stay home.
- One wall-clock deadline per URL (the timeout) covers its hops, headers and bodies; the time spent
  waiting for a host's turn or reading its robots.txt is not counted (ingest.transport).
- `etag` / `last_modified` become If-None-Match / If-Modified-Since: an unchanged page costs a 304.

Every request sent (robots.txt included) is recorded in `requests` (the last 10,000), with its
start time, so the delays can be checked.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from protego import Protego

from ingest.errors import FetchFailed
from ingest.body import ACCEPT_ENCODING
from ingest.fetch import REDIRECTS as _REDIRECTS, next_hop, read_capped, transport_failures
from ingest.site import Site
from ingest.transport import deadline, guarded_transport, paused

MAX_CRAWL_DELAY = 60.0
ROBOTS_TTL = 3600.0
ROBOTS_RETRY = 300.0
ROBOTS_MAX_BYTES = 500_000


class Disallowed(FetchFailed):
    """robots.txt does not let hoibao fetch this URL (or could not be read)."""


@dataclass(frozen=True)
class Response:
    url: str  # where the redirects ended
    status: int
    headers: httpx.Headers
    body: bytes  # empty on a 304
    charset: str | None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class Sent:
    host: str
    started: float  # the fetcher's clock (time.monotonic)
    url: str


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    last_start: float | None = None
    robots: Protego | None = None
    robots_error: str = ""  # robots.txt could not be read: the host is left alone for now
    robots_expires: float = -1.0


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class PoliteFetcher:
    """One per refresh loop (or per command); safe to share between threads."""

    def __init__(self, user_agent: str, *, timeout_seconds: float, max_bytes: int, default_delay: float = 1.5,
                 allow_private: bool = False, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.default_delay = default_delay
        self.timeout = timeout_seconds  # per URL, wall clock
        self.clock, self.sleep = clock, sleep
        # No proxy from the environment: it would bypass the address check.
        self.client = httpx.Client(headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
                                   timeout=httpx.Timeout(timeout_seconds), follow_redirects=False, trust_env=False,
                                   transport=guarded_transport(allow_private))
        self.requests: deque[Sent] = deque(maxlen=10_000)  # bounded: the bots' fetcher lives for months
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "PoliteFetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _host(self, url: str) -> _Host:
        with self._hosts_lock:
            return self._hosts.setdefault(_host_key(url), _Host())

    def delay(self, url: str) -> float:
        """Seconds between two requests to the host of `url` (robots.txt's, else the default)."""
        robots = self._host(url).robots
        if robots is not None:
            crawl_delay = robots.crawl_delay(self.user_agent)
            if crawl_delay is not None:
                return min(float(crawl_delay), MAX_CRAWL_DELAY)
            rate = robots.request_rate(self.user_agent)
            if rate is not None and rate.requests:
                return min(rate.seconds / rate.requests, MAX_CRAWL_DELAY)
        return self.default_delay

    # ---- one request, in its turn --------------------------------------------------------
    def _send(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        host = self._host(url)
        with host.lock:
            if host.last_start is not None:  # the delay as known now: robots.txt's once it is read
                wait = host.last_start + self.delay(url) - self.clock()
                if wait > 0:
                    with paused():
                        self.sleep(wait)
            host.last_start = started = self.clock()
            self.requests.append(Sent(_host_key(url), started, url))
            with transport_failures(url, self.client):
                with self.client.stream("GET", url, headers=headers) as response:
                    body = b"" if response.status_code in (304, *_REDIRECTS) else read_capped(response, url, max_bytes)
                    return Response(str(response.url), response.status_code, response.headers, body,
                                    response.charset_encoding)

    def _follow(self, url: str, headers: dict[str, str], max_bytes: int, check_robots: bool,
                site: Site) -> Response:
        if not site.allows(url):
            raise FetchFailed(url, site.refusal(url))
        current, seen = url, {url}
        with deadline(self.timeout):
            while True:
                if check_robots:
                    with paused():
                        self._check_robots(current, url)
                response = self._send(current, headers, max_bytes)
                location = response.headers.get("location")
                if response.status not in _REDIRECTS or not location:
                    return response
                current = next_hop(current, location, url, site, seen)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str = "*/*", site: Site | None = None) -> Response:
        """GET `url` politely on `site` (by default the URL's own); any status is returned (a 304
        when the validators still hold).

        Raises FetchFailed (timeout, connection, too large, redirect loop or off the site, a refused
        address) or Disallowed (robots.txt).
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, headers, self.max_bytes, True, site or Site.of(url))

    # ---- robots.txt ----------------------------------------------------------------------
    def _load_robots(self, url: str, host: _Host) -> None:
        robots_url = _host_key(url) + "/robots.txt"
        try:
            response = self._follow(robots_url, {"Accept": "text/plain"}, ROBOTS_MAX_BYTES, False, Site.of(robots_url))
        except FetchFailed as exc:
            host.robots, host.robots_error = None, f"robots.txt không đọc được ({exc.reason})"
            host.robots_expires = self.clock() + ROBOTS_RETRY
            return
        if response.status >= 500:
            host.robots, host.robots_error = None, f"robots.txt trả HTTP {response.status}; tạm không tải trang này"
            host.robots_expires = self.clock() + ROBOTS_RETRY
            return
        text = _robots_text(response) if response.status == 200 else ""
        host.robots, host.robots_error = Protego.parse(text), ""  # a 4xx robots.txt allows everything
        host.robots_expires = self.clock() + ROBOTS_TTL

    def _check_robots(self, url: str, asked: str) -> None:
        host = self._host(url)
        with host.robots_lock:
            if self.clock() >= host.robots_expires:
                self._load_robots(url, host)
        if host.robots_error:
            raise Disallowed(asked, host.robots_error + " (robots.txt unavailable)")
        if host.robots is not None and not host.robots.can_fetch(url, self.user_agent):
            raise Disallowed(asked, "robots.txt không cho phép tải trang này (disallowed by robots.txt)")

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets hoibao fetch `url` (reads robots.txt when needed)."""
        try:
            self._check_robots(url, url)
            return True
        except FetchFailed:
            return False


def _robots_text(response: Response) -> str:
    """robots.txt as text in the charset it declares, else UTF-8 (a charset Python does not know is the site's slip)."""
    try:
        return response.body.decode(response.charset or "utf-8", errors="replace")
    except LookupError:
        return response.body.decode("utf-8", errors="replace")
