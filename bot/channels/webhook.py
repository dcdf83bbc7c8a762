"""What both platforms' webhooks check before an update is read: the secret, and a JSON object."""

from __future__ import annotations

import hmac
import json

from aiohttp import web


async def checked_body(request: web.Request, header: str, secret: str) -> dict | web.Response:
    """The update's JSON object, or the refusal to send back: 403 without the right secret, 400
    for a body that is not a JSON object. Never raises, whatever the request holds."""
    given = request.headers.get(header, "")
    # aiohttp reads header bytes that are not UTF-8 as surrogates: compared as the bytes they were.
    if not hmac.compare_digest(given.encode("utf-8", "surrogatepass"), secret.encode()):
        return web.json_response({"ok": False, "description": "Forbidden"}, status=403)
    try:
        body = json.loads(await request.read())
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        body = None
    if not isinstance(body, dict):
        return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
    return body
