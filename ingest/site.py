"""Which hosts a crawl may visit, and which addresses it may connect to. Pure: names and addresses in, a verdict out.

A source follows its own site: the host of the URL it was added with, any host under that host's
registrable domain (rss.baothu.vn → baothu.vn, so www.baothu.vn and m.baothu.vn too), and the
hosts of HOIBAO_ALLOWED_HOSTS (each with its subdomains) for a newsroom with several domains. An IP
address is a site of its own: 127.0.0.2 is not 127.0.0.1.

Separately, an address is refused when it is loopback, private, link-local, multicast, unspecified
or reserved, unless HOIBAO_ALLOW_PRIVATE_ADDRESSES=true (the tests' 127.0.0.1, an intranet CMS):
a listing must not lead the bot into the machine it runs on or the network behind it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _suffixes():
    from publicsuffixlist import PublicSuffixList  # the list ships inside the wheel: no download

    return PublicSuffixList()


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def host_of(url: str) -> str:
    """The URL's host, lower-case, without brackets or a trailing dot; '' when it has none."""
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def registrable_domain(host: str) -> str:
    """baothu.vn for www.baothu.vn, baothu.com.vn for rss.baothu.com.vn; an IP address or a bare
    public suffix is its own."""
    host = host.rstrip(".").lower()
    if not host or _ip(host) is not None:
        return host
    return _suffixes().privatesuffix(host) or host


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


@dataclass(frozen=True)
class Site:
    """The hosts one source (or one `hoibao add` URL) may lead to."""

    domains: tuple[str, ...]

    @classmethod
    def of(cls, url: str, allowed_hosts: tuple[str, ...] = ()) -> "Site":
        host = host_of(url)
        extra = tuple(h.strip().rstrip(".").lower() for h in allowed_hosts if h.strip())
        return cls(tuple(dict.fromkeys((registrable_domain(host), *extra))))

    def allows(self, url: str) -> bool:
        host = host_of(url)
        if not host:
            return False
        if _ip(host) is not None:
            return any(_ip(d) == _ip(host) for d in self.domains)
        return any(_ip(d) is None and _under(host, d) for d in self.domains)

    def refusal(self, url: str) -> str:
        """The reason a URL off this site is not fetched."""
        names = ", ".join(self.domains)
        return (f"ngoài trang của nguồn ({host_of(url) or url[:100]} không thuộc {names}); "
                "thêm vào HOIBAO_ALLOWED_HOSTS nếu cùng toà soạn (off-site)")


def refused_address(address: str) -> str:
    """Why connecting to this IP address is refused, or '' when it is a public address."""
    ip = _ip(address)
    if ip is None:
        return f"địa chỉ không đọc được {address!r}"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for kind, test in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                       ("unspecified", ip.is_unspecified), ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if test:
            return (f"địa chỉ nội bộ {address} ({kind}) bị từ chối; "
                    "đặt HOIBAO_ALLOW_PRIVATE_ADDRESSES=true nếu đây là máy chủ của toà soạn")
    return ""
