"""Why one URL could not be added; each message names the URL."""

from __future__ import annotations

from index.errors import HoibaoError


class FetchFailed(HoibaoError):
    """The page could not be downloaded (timeout, HTTP status, not HTML, too large, redirects)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")


class NoArticle(HoibaoError):
    """The page holds no article (a homepage, a category page, too little text)."""

    def __init__(self, url: str, why: str) -> None:
        self.url, self.reason = url, f"Không tìm thấy nội dung bài báo tại URL này ({why})"
        super().__init__(f"{url}: {self.reason}")
