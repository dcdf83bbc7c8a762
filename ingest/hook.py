"""The publish hook's contract, pure: a signed request in, the URLs to fetch and to delete out.

A CMS calls `POST /hooks/publish` with

    X-Hoibao-Timestamp: 1767225600                 (Unix seconds)
    X-Hoibao-Signature: sha256=<hex>               (HMAC-SHA256 keyed with HOIBAO_PUBLISH_SECRET
                                                    over "<timestamp>.<raw body>")
    {"urls": ["https://…"], "deleted": ["https://…"]}

The timestamp is inside the signed bytes and may be at most five minutes off, so a captured request
cannot be replayed later. Stripe and Slack sign their webhooks the same way. Nothing here does I/O:
the web server (bot/channels/background/hooks.py) hands over the headers and the raw body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from ingest.urls import canonical_url, is_web_url

TIMESTAMP, SIGNATURE = "X-Hoibao-Timestamp", "X-Hoibao-Signature"
MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 256_000
MAX_URLS = 200  # per call: a CMS republishing its whole archive should use a sitemap source instead


class Refused(ValueError):
    """The request is refused; `status` is the HTTP answer (401 signature, 400 body) and the text says why."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


@dataclass(frozen=True)
class Publish:
    urls: tuple[str, ...] = ()  # canonical, deduplicated, in the order given
    deleted: tuple[str, ...] = ()


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The X-Hoibao-Signature value for `body` sent at `timestamp` (what a CMS computes)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float) -> None:
    """Refused(401) unless `signature` is the secret's over this timestamp and body, within five minutes of `now`."""
    if not timestamp or not signature:
        raise Refused(401, f"missing {TIMESTAMP} or {SIGNATURE}")
    if not timestamp.strip().isdigit():
        raise Refused(401, f"{TIMESTAMP} is not Unix seconds")
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        raise Refused(401, f"{TIMESTAMP} is more than {MAX_SKEW_SECONDS // 60} minutes off (a replay, or a wrong clock)")
    if not hmac.compare_digest(sign(secret, timestamp.strip(), body), signature.strip()):
        raise Refused(401, "bad signature")


def _urls(data: dict, key: str) -> tuple[str, ...]:
    given = data.get(key, [])
    if not isinstance(given, list) or not all(isinstance(url, str) for url in given):
        raise Refused(400, f'"{key}" must be a list of URLs')
    bad = [url for url in given if not is_web_url(url)]
    if bad:
        raise Refused(400, f'"{key}" holds what is not an http(s) URL: {bad[0][:100]!r}')
    return tuple(dict.fromkeys(canonical_url(url) for url in given))


def parse(body: bytes) -> Publish:
    """The URLs of a (verified) body; Refused(400) for anything but {"urls": [...], "deleted": [...]}."""
    if len(body) > MAX_BODY_BYTES:
        raise Refused(400, f"body over {MAX_BODY_BYTES:,} bytes")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused(400, f"body is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise Refused(400, 'body must be a JSON object {"urls": [...], "deleted": [...]}')
    unknown = set(data) - {"urls", "deleted"}
    if unknown:
        raise Refused(400, f"unknown field(s): {', '.join(sorted(unknown))}")
    publish = Publish(_urls(data, "urls"), _urls(data, "deleted"))
    if not (publish.urls or publish.deleted):
        raise Refused(400, 'nothing to do: "urls" and "deleted" are both empty')
    if len(publish.urls) + len(publish.deleted) > MAX_URLS:
        raise Refused(400, f"more than {MAX_URLS} URLs in one call")
    return publish
