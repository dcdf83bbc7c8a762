"""The crawler's connections: every address checked before connecting, every socket call inside a deadline.

httpx's `Timeout(t)` bounds each socket call, so a server that sends a byte a second never trips
it. Here the network backend under httpx (httpcore's) shortens each call's timeout to what is left
of the current URL's deadline (`deadline(seconds)`, a context variable: the fetcher is shared
between threads) and fails the call once it is spent, whether headers, body or a redirect's hop
is being read.

The host is resolved here, each address checked (`ingest.site.refused_address`), and the socket
connected to the address that was checked, so a name cannot resolve to a public address for the
check and a private one for the connection.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx

from ingest.site import refused_address

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("hoibao_fetch_deadline", default=None)


class DeadlinePassed(httpcore.ReadTimeout):
    """The URL's wall-clock deadline is spent."""


class AddressRefused(httpcore.ConnectError):
    """Every address of the host is one the crawler may not connect to."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket call in this block ends by `seconds` from now (monotonic clock)."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Time spent in this block (waiting for a host's turn, reading its robots.txt) is not the URL's."""
    end, started = _deadline.get(), time.monotonic()
    try:
        yield
    finally:
        if end is not None:
            _deadline.set(end + time.monotonic() - started)


def _bounded(timeout: float | None) -> float | None:
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("deadline")
    return left if timeout is None else min(timeout, left)


@contextlib.contextmanager
def _named() -> Iterator[None]:
    """A socket timeout that happened because the deadline ran out is reported as DeadlinePassed."""
    try:
        yield
    except httpcore.TimeoutException as exc:
        end = _deadline.get()
        if end is not None and time.monotonic() >= end and not isinstance(exc, DeadlinePassed):
            raise DeadlinePassed("deadline") from exc
        raise


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _named():
            return self.inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with _named():
            self.inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        with _named():
            return _Stream(self.inner.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, with addresses checked and the deadline applied."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"không phân giải được tên miền {host} ({exc})") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        refusals = [] if self.allow_private else [r for a in addresses if (r := refused_address(a))]
        usable = addresses if self.allow_private else [a for a in addresses if not refused_address(a)]
        if not usable:
            raise AddressRefused(refusals[0] if refusals else f"{host} không có địa chỉ nào")
        error: Exception | None = None
        for address in usable:
            try:
                with _named():
                    stream = self.inner.connect_tcp(address, port, _bounded(timeout), local_address, socket_options)
                return _Stream(stream)
            except httpcore.ConnectError as exc:
                error = exc
        raise error  # type: ignore[misc]

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not crawled")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def guarded_transport(allow_private: bool) -> httpx.HTTPTransport:
    """An httpx transport over `GuardedBackend`. httpx takes no network backend, so its pool is
    replaced by httpcore's own, built as httpx builds it (HTTP/1.1, no proxy, default limits)."""
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), max_connections=100, max_keepalive_connections=20,
        keepalive_expiry=5.0, network_backend=GuardedBackend(allow_private))
    return transport
