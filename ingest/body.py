"""A response body from its raw bytes, decoded here so the cap counts decoded bytes.

httpx decodes Content-Encoding before a caller sees a byte: a 1,827-byte `gzip, gzip` body
becomes 1 GiB inside it before any cap is checked. Here each raw chunk is inflated with
`decompressobj().decompress(chunk, max_length=…)`, so no step ever holds more than the cap plus
one chunk, and the body fails the moment its decoded size passes the cap. One content coding at
most (gzip or deflate, the two hoibao asks for): a server that stacks codings is refused.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from ingest.errors import FetchFailed

ACCEPT_ENCODING = "gzip, deflate"  # what `decoder` can undo; never br/zstd, which it cannot
_GZIP, _DEFLATE = ("gzip", "x-gzip"), ("deflate",)


def too_large(url: str, max_bytes: int) -> FetchFailed:
    return FetchFailed(url, f"trang quá lớn, trên {max_bytes / 1_000_000:g} MB (too large)")


def coding(url: str, header: str) -> str:
    """The one content coding of `header` ('' for none); FetchFailed for several or an unknown one."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
    if len(codings) > 1:
        raise FetchFailed(url, f"nhiều lớp nén chồng nhau ({header[:60]}); chỉ nhận một (stacked content codings)")
    if codings and codings[0] not in _GZIP + _DEFLATE:
        raise FetchFailed(url, f"kiểu nén không hỗ trợ ({codings[0][:30]}) (unsupported content coding)")
    return codings[0] if codings else ""


class _Inflater:
    """gzip (members one after another, as RFC 1952 allows) or deflate (zlib-wrapped, or raw as some servers send)."""

    def __init__(self, name: str) -> None:
        self.gzip = name in _GZIP
        self.first = True
        self.zlib = self._new()

    def _new(self):
        return zlib.decompressobj(zlib.MAX_WBITS | 16 if self.gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> Iterable[bytes]:
        """Decoded pieces of `data`, each at most `room + 1` bytes (one past the cap is enough to know)."""
        while data:
            try:
                out = self.zlib.decompress(data, room + 1)
            except zlib.error:
                if self.gzip or not self.first:
                    raise
                self.zlib = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, no zlib header
                out = self.zlib.decompress(data, room + 1)
            self.first = False
            yield out
            room -= len(out)
            if room < 0:
                return
            data = self.zlib.unconsumed_tail
            if not data and self.zlib.eof and self.zlib.unused_data:
                data = self.zlib.unused_data
                if not self.gzip:
                    return  # bytes after the end of a deflate stream: ignored, as browsers do
                self.zlib = self._new()


def decode(chunks: Iterable[bytes], content_encoding: str, url: str, max_bytes: int) -> bytes:
    """The decoded body of raw `chunks`; FetchFailed once the decoded (or raw) size passes `max_bytes`,
    or the body is not what its Content-Encoding says."""
    name = coding(url, content_encoding)
    inflater = _Inflater(name) if name else None
    body = bytearray()
    raw = 0
    try:
        for chunk in chunks:
            raw += len(chunk)
            if raw > max_bytes:
                raise too_large(url, max_bytes)
            pieces = inflater.feed(chunk, max_bytes - len(body)) if inflater else (chunk,)
            for piece in pieces:
                body.extend(piece)
                if len(body) > max_bytes:
                    raise too_large(url, max_bytes)
    except zlib.error as exc:
        raise FetchFailed(url, f"dữ liệu nén hỏng ({name}: {exc}) (bad {name} body)") from None
    return bytes(body)
