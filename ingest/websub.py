"""WebSub (W3C Recommendation), the subscriber's side: a feed that names a hub pushes its updates.

1. A followed feed declaring `<link rel="hub">` is subscribed to: a form POST to the hub with
   hub.mode=subscribe, hub.topic (the feed's rel="self", else its URL), hub.callback (ours, one per
   source), hub.secret and hub.lease_seconds. The hub answers 202 and then checks our intent.
2. Intent: the hub GETs the callback with hub.mode, hub.topic, hub.challenge and hub.lease_seconds;
   we echo the challenge only for the topic we asked about on that callback (else 404).
3. Notification: the hub POSTs the feed's new content with `X-Hub-Signature: sha256=<hex>` (HMAC of
   the body keyed with our hub.secret). Only a verified one is read: its entries are recorded like a
   poll's, and those new or re-dated are fetched at once, as a publish hook call would.

The secret of each topic is derived from HOIBAO_PUBLISH_SECRET, so nothing has to be stored and a
restart subscribes again with the same one. Pure functions but `subscribe` (one httpx POST).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

import httpx

from ingest.errors import FetchFailed
from ingest.sources import Listing
from ingest.state import CrawlState
from ingest.urls import article_file_name, canonical_url, is_web_url

LEASE_SECONDS = 5 * 86400  # asked for; the hub may grant another, which the verification tells
SIGNATURE = "X-Hub-Signature"
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


def topic_secret(publish_secret: str, topic: str) -> str:
    """The hub.secret for `topic`: derived, so a restart needs no stored state."""
    return hmac.new(publish_secret.encode("utf-8"), b"websub:" + topic.encode("utf-8"), hashlib.sha256).hexdigest()


def callback_url(base: str, source_id: int) -> str:
    """Our callback for one source under HOIBAO_WEBSUB_CALLBACK_URL (the hook server's public root)."""
    return f"{base.rstrip('/')}/websub/{source_id}"


def topic_of(listing: Listing, source_url: str) -> str:
    return listing.topic or source_url


def subscribe(client: httpx.Client, hub: str, topic: str, callback: str, secret: str,
              lease_seconds: int = LEASE_SECONDS) -> None:
    """Ask `hub` for `topic`'s updates at `callback`; FetchFailed(hub) unless it accepts (202/204)."""
    form = {"hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callback, "hub.secret": secret,
            "hub.lease_seconds": str(lease_seconds)}
    try:
        response = client.post(hub, data=form)
    except httpx.HTTPError as exc:
        raise FetchFailed(hub, f"WebSub hub không kết nối được ({type(exc).__name__}: {exc})") from None
    if response.status_code not in (202, 204):
        raise FetchFailed(hub, f"WebSub hub từ chối đăng ký (HTTP {response.status_code}: {response.text[:200]})")


def challenge(params: Mapping[str, str], topic: str) -> tuple[str, int] | None:
    """The hub's intent check: (the challenge to echo, the lease granted) when it is about `topic`, else None."""
    if params.get("hub.mode") not in ("subscribe", "unsubscribe") or params.get("hub.topic") != topic:
        return None
    answer = params.get("hub.challenge", "")
    if not answer:
        return None
    lease = params.get("hub.lease_seconds", "")
    return answer, int(lease) if lease.isdigit() else LEASE_SECONDS


def signed(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` ("sha256=<hex>") is the HMAC of `body` with `secret`."""
    method, _, given = (header or "").partition("=")
    digest = _DIGESTS.get(method.strip().lower())
    if digest is None or not given:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, digest).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def due_urls(state: CrawlState, listing: Listing, source_id: int, now: float) -> list[str]:
    """Record a notification's entries as a poll would; the canonical URLs that are new or re-dated."""
    due = []
    with state.transaction():
        for entry in listing.entries:
            if not is_web_url(entry.url):
                continue
            url = canonical_url(entry.url)
            known = state.article(url)
            redated = known is not None and bool(entry.updated) and entry.updated != known.listed_updated
            new = state.listed(url, entry.url, article_file_name(entry.url), source_id, now, entry.published,
                               entry.updated)
            if new or redated:
                due.append(url)
    return due
