"""A local news site for the ingest tests: synthetic Vietnamese pages written for them, on 127.0.0.1.

Nothing here is copied from a newspaper; the facts are invented. Each route answers as a
real site might (200, 301, 304, 404, 410, 500, a slow reply, a PDF, an oversized page, a
homepage, RSS, Atom, sitemaps, robots.txt). Every request is logged with its arrival time,
so the tests can check the crawler's delays from the server's side.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

SAPO = ("Sáng 12/3, UBND huyện Hòa Lạc khánh thành cầu treo Suối Mây dài 180 mét, "
        "nối hai thôn Đồng Tre và Bến Lau sau ba năm chờ đợi.")
BODY = (
    "Cây cầu do Công ty Xây dựng Trường Sơn thi công trong 14 tháng với tổng vốn 26 tỉ đồng, "
    "trong đó ngân sách tỉnh hỗ trợ 20 tỉ đồng, phần còn lại do người dân và doanh nghiệp đóng góp.",
    "Trước đây, mỗi mùa mưa lũ, hơn 400 hộ dân ở thôn Bến Lau phải đi đò qua suối, "
    "nhiều học sinh nghỉ học hàng tuần vì nước dâng cao.",
    "Ông Lê Văn Khải, Chủ tịch UBND huyện Hòa Lạc, cho biết cầu được thiết kế chịu tải xe máy "
    "và xe ba bánh, có hệ thống đèn chiếu sáng bằng năng lượng mặt trời.",
    "Theo kế hoạch, năm tới huyện sẽ làm thêm tuyến đường bê tông dài 3 km từ đầu cầu vào trung tâm xã.",
)


def article_page(body: tuple[str, ...] = BODY, title: str = "Khánh thành cầu treo Suối Mây",
                 sapo: str = SAPO, byline: str = "THANH TÂM") -> str:
    """A news page: menu, <article> with title, a sapo only in the description meta, a caption, a byline."""
    paragraphs = "\n".join(f"<p>{text}</p>" for text in body)
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<title>{title} - Báo Thử Nghiệm</title>
<meta name="description" content="{sapo}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-03-12T08:30:00+07:00">
</head><body>
<header><nav><a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a> <a href="/kinh-te">Kinh tế</a></nav></header>
<main><article>
<h1>{title}</h1>
<p>{body[0]}</p>
<figure><img src="/anh/cau.jpg" alt="cầu"><figcaption>Cầu treo Suối Mây trong ngày khánh thành. Ảnh: Minh Đức</figcaption></figure>
{paragraphs.split(chr(10), 1)[1]}
<p>Video: Người dân đi qua cầu mới</p>
<p><strong>{byline}</strong></p>
</article></main>
<footer><p>© Báo Thử Nghiệm. Giấy phép số 00/GP-TEST.</p></footer>
</body></html>"""


def homepage() -> str:
    links = "\n".join(f'<li><a href="/bai-{i}.html">Tin nóng số {i} trong ngày</a></li>' for i in range(12))
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Báo Thử Nghiệm - Trang chủ</title></head>
<body><nav><a href="/thoi-su">Thời sự</a> <a href="/the-thao">Thể thao</a></nav><ul>{links}</ul></body></html>"""


# More synthetic stories (title, sapo, body paragraphs) for the crawler's tests and the benchmark.
STORIES = {
    "cam-sanh": (
        "Hợp tác xã Nà Lừ thu hoạch 40 tấn cam sành",
        "Hợp tác xã Nà Lừ ở xã Tân Khê bắt đầu thu hoạch vụ cam sành với sản lượng ước đạt 40 tấn, "
        "tăng gấp đôi so với năm ngoái nhờ hệ thống tưới nhỏ giọt.",
        ("Hệ thống tưới nhỏ giọt được lắp đặt trên diện tích 12 héc-ta từ đầu năm, với kinh phí 1,8 tỉ đồng "
         "do hợp tác xã và một doanh nghiệp phân phối nông sản cùng góp vốn.",
         "Bà Hoàng Thị Mai, Giám đốc Hợp tác xã Nà Lừ, cho biết giá cam năm nay khoảng 18.000 đồng mỗi kilôgam, "
         "phần lớn được bán cho các siêu thị ở Hà Nội.",
         "Hợp tác xã có 36 thành viên, dự kiến mở rộng thêm 5 héc-ta trồng bưởi vào mùa xuân tới."),
    ),
    "thu-vien-so": (
        "Thư viện số mở cửa ở thị trấn Phú Khê",
        "Thư viện số đầu tiên của thị trấn Phú Khê mở cửa miễn phí cho học sinh từ thứ Hai tuần này, "
        "với 60 máy tính và hơn 9.000 đầu sách điện tử.",
        ("Công trình rộng 450 mét vuông, nằm cạnh Trường THCS Phú Khê, được xây dựng trong 8 tháng.",
         "Theo bà Đặng Thu Hà, Giám đốc Trung tâm Văn hóa thị trấn, thư viện mở cửa từ 7 giờ sáng "
         "đến 21 giờ tối mỗi ngày, kể cả Chủ nhật.",
         "Mỗi học sinh được cấp một thẻ đọc điện tử, có thể mượn tối đa 5 cuốn sách số trong hai tuần."),
    ),
    "giai-chay": (
        "Giải chạy Vì Rừng Xanh thu hút 3.200 vận động viên",
        "Giải chạy Vì Rừng Xanh lần thứ tư diễn ra sáng Chủ nhật tại khu du lịch hồ Đá Mài, "
        "thu hút 3.200 vận động viên từ 21 tỉnh thành.",
        ("Ban tổ chức dành toàn bộ tiền lệ phí, khoảng 950 triệu đồng, để trồng 15.000 cây lim "
         "và cây sao đen quanh hồ Đá Mài.",
         "Vận động viên Nguyễn Hữu Phát về nhất cự ly 42 km với thời gian 2 giờ 41 phút, "
         "phá kỷ lục của giải.",
         "Giải năm sau dự kiến tổ chức vào tháng 11, thêm cự ly 5 km dành cho gia đình và trẻ em."),
    ),
}


def story_page(slug: str, byline: str = "PHƯƠNG LINH", **changes: object) -> str:
    title, sapo, body = STORIES[slug]
    return article_page(**{"body": body, "title": title, "sapo": sapo, "byline": byline, **changes})


def rss(base: str, items: list[tuple[str, str, float]], title: str = "Báo Thử Nghiệm - Thời sự") -> str:
    """RSS 2.0: items are (title, path, published epoch seconds)."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(base + path)}</link>"
        f"<guid>{escape(base + path)}</guid><pubDate>{formatdate(when, usegmt=True)}</pubDate></item>\n"
        for t, path, when in items)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{base}/</link><description>Tin mới</description>\n{entries}</channel></rss>")


def _iso(when: float) -> str:
    return datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(base: str, items: list[tuple[str, str, float]], title: str = "Báo Thử Nghiệm - Kinh tế") -> str:
    entries = "".join(
        f'<entry><title>{escape(t)}</title><link rel="alternate" href="{escape(base + path)}"/>'
        f"<id>{escape(base + path)}</id><updated>{_iso(when)}</updated></entry>\n" for t, path, when in items)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>{base}/atom</id><updated>{_iso(time.time())}</updated>\n"
            f"{entries}</feed>")


def sitemap(base: str, items: list[tuple[str, float]], news: bool = False) -> str:
    """A sitemap (or Google news sitemap) of (path, lastmod epoch seconds)."""
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    rows = []
    for path, when in items:
        extra = (f"<news:news><news:publication><news:name>Báo Thử Nghiệm</news:name><news:language>vi"
                 f"</news:language></news:publication><news:publication_date>{_iso(when)}</news:publication_date>"
                 f"<news:title>Tin</news:title></news:news>") if news else f"<lastmod>{_iso(when)}</lastmod>"
        rows.append(f"<url><loc>{escape(base + path)}</loc>{extra}</url>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>'
            + "\n".join(rows) + "</urlset>")


def sitemap_index(base: str, children: list[tuple[str, float]]) -> str:
    rows = "".join(f"<sitemap><loc>{escape(base + path)}</loc><lastmod>{_iso(when)}</lastmod></sitemap>"
                   for path, when in children)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>')


def homepage_with_feeds(feeds: list[tuple[str, str]]) -> str:
    """A homepage naming its feeds: (type, path) such as ("application/rss+xml", "/rss/thoi-su.rss")."""
    links = "".join(f'<link rel="alternate" type="{t}" title="Tin" href="{p}">' for t, p in feeds)
    return homepage().replace("<title>", links + "<title>", 1)


def vietnamese_legacy_bytes(text: str) -> bytes:
    """`text` in windows-1258 (tones as combining marks): what an old CMS serves while claiming UTF-8."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258", errors="replace")


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it."""
    at: float  # time.monotonic() when it arrived
    path: str  # with its query
    user_agent: str
    if_none_match: str
    if_modified_since: str
    status: int


HELD_SECONDS = 30.0  # a held page is answered anyway after this, so a test that forgets it never hangs


class Site:
    """Routes → (status, content type, body, headers); editable while the server runs.

    A 200 without its own validators gets an ETag (a hash of the body) and a Last-Modified (when it
    was set), and answers 304 to a request that still holds them.
    """

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.modified: dict[str, float] = {}
        self.delay = 0.0  # for /cham
        self.slow: dict[str, float] = {}  # other paths answered after a pause
        # Paths answered only once their event is set (at most HELD_SECONDS later): a fetch that cannot end yet.
        self.held: dict[str, threading.Event] = {}
        self.validators = True
        self.log: list[Hit] = []
        self._lock = threading.Lock()

    def html(self, path: str, text: str, status: int = 200) -> None:
        self.raw(path, status, "text/html; charset=utf-8", text.encode("utf-8"))

    def xml(self, path: str, text: str, content_type: str = "application/xml; charset=utf-8") -> None:
        self.raw(path, 200, content_type, text.encode("utf-8"))

    def raw(self, path: str, status: int, content_type: str, body: bytes, **headers: str) -> None:
        self.pages[path] = (status, content_type, body, headers)
        self.modified[path] = time.time()

    def gone(self, path: str, status: int = 404) -> None:
        self.raw(path, status, "text/html; charset=utf-8", f"<h1>{status}</h1>".encode())

    def hits(self, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self.log if path is None or h.path.split("?", 1)[0] == path]

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.log.append(hit)


def _validators(site: Site, path: str, status: int, body: bytes, headers: dict[str, str]) -> dict[str, str]:
    if status != 200 or not site.validators or any(k.lower() in ("etag", "last_modified") for k in headers):
        return {}
    stamp = datetime.fromtimestamp(int(site.modified.get(path, 0)), timezone.utc)
    return {"ETag": '"' + hashlib.sha1(body).hexdigest()[:16] + '"', "Last-Modified": format_datetime(stamp, usegmt=True)}


def _not_modified(request_headers, validators: dict[str, str]) -> bool:
    if not validators:
        return False
    etag = request_headers.get("If-None-Match")
    if etag is not None:
        return etag == validators["ETag"]
    since = request_headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(validators["Last-Modified"]) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            arrived = time.monotonic()
            path = self.path.split("?", 1)[0]
            if path == "/cham":
                time.sleep(site.delay)
            time.sleep(site.slow.get(path, 0.0))
            if path in site.held:
                site.held[path].wait(HELD_SECONDS)
            status, ctype, body, headers = site.pages.get(path, (404, "text/html", b"<h1>404</h1>", {}))
            validators = _validators(site, path, status, body, headers)
            if _not_modified(self.headers, validators):
                status, body = 304, b""
            site.record(Hit(arrived, self.path, self.headers.get("User-Agent", ""),
                            self.headers.get("If-None-Match", ""), self.headers.get("If-Modified-Since", ""), status))
            headers = {**headers, **validators}
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args) -> None:
            pass

    return Handler


def serve(site: Site):
    """Start the site on a free port; returns (base URL, stop function)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}", stop
