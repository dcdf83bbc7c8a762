"""The pure parts of bounded, same-site crawling: body decoding, sites, addresses, what a listing admits."""

from __future__ import annotations

import gzip
import zlib

import pytest

from ingest.admit import OFF_SITE, OVER_CAP, admit, skipped_line
from ingest.body import decode
from ingest.errors import FetchFailed
from ingest.site import Site, refused_address, registrable_domain
from ingest.sources import Listed

URL = "https://baothu.vn/a.html"
TEXT = "Trang tin thử nghiệm. ".encode() * 2000  # 42 KB


def chunks(data: bytes, size: int = 1000) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("encoding, packed", [
    ("", TEXT), ("identity", TEXT), ("gzip", gzip.compress(TEXT)), ("x-gzip", gzip.compress(TEXT)),
    ("deflate", zlib.compress(TEXT)),  # zlib-wrapped, as the RFC says
    ("deflate", zlib.compress(TEXT)[2:-4]),  # raw deflate, as some servers send
    ("gzip", gzip.compress(TEXT[:20_000]) + gzip.compress(TEXT[20_000:])),  # two members
])
def test_each_coding_decodes_to_the_page(encoding, packed):
    assert decode(chunks(packed), encoding, URL, 100_000) == TEXT


def test_the_cap_counts_decoded_bytes_and_stops_early():
    bomb = gzip.compress(bytes(50_000_000))  # 50 MB of zeros in about 50 KB
    pieces = chunks(bomb)
    eaten = []
    with pytest.raises(FetchFailed, match=r"trang quá lớn, trên 0.1 MB \(too large\)"):
        decode((eaten.append(c) or c for c in pieces), "gzip", URL, 100_000)
    assert len(eaten) < 5  # a few kilobytes read, not the 50 MB inflated
    with pytest.raises(FetchFailed, match="too large"):
        decode(chunks(TEXT), "", URL, 10_000)  # plain bytes count too


@pytest.mark.parametrize("header, reason", [
    ("gzip, gzip", "nhiều lớp nén chồng nhau (gzip, gzip); chỉ nhận một (stacked content codings)"),
    ("deflate,gzip", "nhiều lớp nén chồng nhau (deflate,gzip); chỉ nhận một (stacked content codings)"),
    ("br", "kiểu nén không hỗ trợ (br) (unsupported content coding)"),
])
def test_stacked_or_unknown_codings_are_refused_before_reading(header, reason):
    read = []
    with pytest.raises(FetchFailed) as caught:
        decode((read.append(1) or b"x" for _ in range(3)), header, URL, 100)
    assert caught.value.reason == reason and not read


def test_a_body_that_is_not_what_it_says_fails_with_the_reason():
    with pytest.raises(FetchFailed, match=r"dữ liệu nén hỏng \(gzip"):
        decode([b"<html>not gzip</html>"], "gzip", URL, 1000)


def test_a_source_follows_its_registrable_domain_and_the_allowed_hosts():
    assert registrable_domain("rss.baothu.com.vn") == "baothu.com.vn"
    assert registrable_domain("m.baothu.vn") == "baothu.vn"
    site = Site.of("https://rss.baothu.vn/tin-moi.rss", ("baothu-media.net",))
    assert site.allows("https://baothu.vn/a") and site.allows("http://www.baothu.vn/b")
    assert site.allows("https://img.baothu-media.net/c")
    assert not site.allows("https://baothu.vn.evil.example/a") and not site.allows("https://notbaothu.vn/a")
    assert not site.allows("https://com.vn/a") and not site.allows("mailto:x@baothu.vn")


def test_an_ip_address_is_a_site_of_its_own():
    site = Site.of("http://127.0.0.1:8080/rss")
    assert site.allows("http://127.0.0.1:9999/a") and not site.allows("http://127.0.0.2:8080/a")
    assert not site.allows("http://localhost:8080/a")
    v6 = Site.of("http://[::1]:8080/rss")
    assert v6.allows("http://[0:0::1]/a") and not v6.allows("http://[::2]/a")


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("127.0.0.2", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
    ("192.168.1.1", "private"), ("172.16.0.9", "private"), ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"), ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("::ffff:127.0.0.1", "loopback"),
])
def test_private_addresses_are_refused_with_their_kind(address, kind):
    assert f"({kind})" in refused_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:85e5", "8.8.8.8"])
def test_public_addresses_are_not(address):
    assert refused_address(address) == ""


def test_admit_keeps_to_the_site_and_the_room_newest_first():
    entries = [Listed("https://baothu.vn/cu.html", published=100.0), Listed("https://khac.vn/x.html"),
               Listed("https://baothu.vn/moi.html", published=300.0), Listed("https://baothu.vn/khong-ngay.html"),
               Listed("https://baothu.vn/da-co.html", published=50.0), Listed("https://baothu.vn/moi.html#lai")]
    admitted, skipped = admit(entries, Site.of("https://baothu.vn/rss"),
                              known=lambda url: url.endswith("da-co.html"), room=2)
    assert [url for url, _ in admitted] == ["https://baothu.vn/moi.html", "https://baothu.vn/cu.html",
                                            "https://baothu.vn/da-co.html"]  # known ones always count
    assert skipped == {OFF_SITE: 1, OVER_CAP: 1}
    assert skipped_line(skipped) == "bỏ qua 2 (1 ngoài trang, 1 vượt giới hạn)"
