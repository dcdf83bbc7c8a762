"""A local news site for the ingest tests: synthetic Vietnamese pages written for them, on 127.0.0.1.

Nothing here is copied from a newspaper; the facts are invented. Each route answers as a
real site might (200, 301, 404, 500, a slow reply, a PDF, an oversized page, a homepage).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class Site:
    """Routes → (status, content type, body, headers); editable while the server runs."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.delay = 0.0

    def html(self, path: str, text: str, status: int = 200) -> None:
        self.pages[path] = (status, "text/html; charset=utf-8", text.encode("utf-8"), {})

    def raw(self, path: str, status: int, content_type: str, body: bytes, **headers: str) -> None:
        self.pages[path] = (status, content_type, body, headers)


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            if path == "/cham":
                time.sleep(site.delay)
            status, ctype, body, headers = site.pages.get(path, (404, "text/html", b"<h1>404</h1>", {}))
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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}", stop
