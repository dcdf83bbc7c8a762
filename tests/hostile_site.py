"""A hostile news site on 127.0.0.1: every way a crawled page once hurt the bot, one path each.

Nothing here is copied from a newspaper. Paths (`PATHS` names them):
- /bomb/gzip: `Content-Encoding: gzip`, 1 GiB of zeros in about 1 MB;
- /bomb/gzip-gzip: `Content-Encoding: gzip, gzip`, the same 1 GiB in about 2 KB;
- /slow/headers: the status line, then one byte of headers every `drip` seconds, never done;
- /slow/body: the headers, then one byte of body every `drip` seconds, never done;
- /redirect/other-site: 302 to the same path on 127.0.0.2 (another site, though loopback too);
- /redirect/localhost: 302 to `localhost` (another name for this machine: another site);
- /sitemap-60000.xml: a 5 MB sitemap of 60,000 articles on this site, each page the same text;
- /feed/elsewhere.xml: an RSS feed whose entries are on 127.0.0.2 and 10.0.0.1;
- /mathtext.html: an article whose title holds `$\\nonexistent$` (matplotlib's mathtext);
- /article.html and /page/<n>.html: ordinary articles.
Each request is logged (`hits`), so a test can tell what never reached the server.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GIB = 1 << 30
ARTICLE = ("Sáng nay, Ban quản lý khu du lịch Hồ Mây cho biết đã hoàn thành tuyến đường đi bộ dài 4 km "
           "quanh hồ sau tám tháng thi công.", "Tuyến đường có 12 điểm dừng chân và hệ thống đèn chiếu sáng "
           "ban đêm; khách tham quan không phải trả phí.", "Theo kế hoạch, khu du lịch sẽ mở thêm bãi đỗ xe "
           "rộng 2.000 mét vuông vào cuối năm.")
PATHS = ("/bomb/gzip", "/bomb/gzip-gzip", "/slow/headers", "/slow/body", "/redirect/other-site",
         "/redirect/localhost", "/sitemap-60000.xml", "/feed/elsewhere.xml", "/mathtext.html", "/article.html")
MATHTEXT_TITLE = r"Giá vé $\nonexistent$ tăng 50$ mỗi tháng"


def page(title: str = "Hoàn thành đường đi bộ quanh hồ Hồ Mây", body: tuple[str, ...] = ARTICLE) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>").encode("utf-8")


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """1 GiB of zeros, gzip-compressed (about 1 MB), made once per process."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(GIB >> 20)) + packer.flush()


def sitemap(base: str, count: int = 60_000) -> bytes:
    urls = "".join(f"<url><loc>{base}/page/{n}.html</loc></url>" for n in range(count))
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()


def feed_elsewhere(port: int) -> bytes:
    items = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in
                    (f"http://127.0.0.2:{port}/article.html", "http://10.0.0.1/noi-bo.html",
                     f"http://127.0.0.1:{port}/article.html"))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tin</title>{items}</channel></rss>'.encode()


class Hostile:
    def __init__(self, drip: float = 0.2) -> None:
        self.drip = drip
        self.hits: list[str] = []
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> "Hostile":
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def _handler(site: Hostile):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            site.hits.append(self.path)
            path = self.path.split("?", 1)[0]
            try:
                self._answer(path)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up: that is the point of most paths here

        def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def _drip(self, data: bytes) -> None:
            for byte in data:
                if site.stopping.is_set():
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(site.drip)

        def _answer(self, path: str) -> None:
            if path == "/bomb/gzip":
                self._send(200, gzip_bomb(), Content_Encoding="gzip")
            elif path == "/bomb/gzip-gzip":
                self._send(200, gzip.compress(gzip_bomb(), 9), Content_Encoding="gzip, gzip")
            elif path == "/slow/headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self._drip(b"X-Slow: " + b"a" * 10_000)
            elif path == "/slow/body":
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
                self._drip(b"<html>" + b" " * 100_000)
            elif path == "/redirect/other-site":
                self._send(302, b"", Location=f"http://127.0.0.2:{site.port}/article.html")
            elif path == "/redirect/localhost":
                self._send(302, b"", Location=f"http://localhost:{site.port}/article.html")
            elif path == "/sitemap-60000.xml":
                self._send(200, sitemap(site.base), "application/xml")
            elif path == "/feed/elsewhere.xml":
                self._send(200, feed_elsewhere(site.port), "application/rss+xml")
            elif path == "/mathtext.html":
                self._send(200, page(MATHTEXT_TITLE))
            elif path == "/article.html" or path.startswith("/page/"):
                self._send(200, page())
            elif path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            else:
                self._send(404, b"<h1>404</h1>")

        def log_message(self, *args) -> None:
            pass

    return Handler
