"""Canonical article URLs and the file name each one gets in the seeds folder."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = ("fbclid", "gclid", "zarsrc")  # plus every utm_* parameter
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _tracking(name: str) -> bool:
    return name.lower().startswith("utm_") or name.lower() in _TRACKING


def canonical_url(url: str) -> str:
    """Lower-case scheme and host (IPv6 in brackets), no default port, no fragment, no tracking parameters, others sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets, or the port would read as part of it
        host = f"[{host}]"
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k))
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def article_file_name(url: str) -> str:
    """`<sha256(canonical url)[:16]>.txt`: the same article added twice stays one file."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:16] + ".txt"


def is_web_url(url: str) -> bool:
    """An http(s) URL with a host that `canonical_url` can take (a page may list "http://[x" or "h:99999")."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises on a port that is not a number in range)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
