"""What a reverse proxy says about a request, believed only from the proxies config.yaml names.

`server.trusted_proxies` lists their addresses (IPs or CIDRs). From anyone else X-Forwarded-Proto
and X-Forwarded-For are ignored: a client cannot make its cookie look sent over HTTPS, nor
pass itself off as another address to get round the login limits.
"""
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from aiohttp import web


class Proxies:
    """The trusted proxies, parsed once."""

    def __init__(self, entries: list[str]):
        self.networks: tuple[IPv4Network | IPv6Network, ...] = tuple(ip_network(e, strict=False) for e in entries)

    def trusts(self, address: str | None) -> bool:
        """True when `address` is one of the proxies."""
        parsed = _parse(address)
        return parsed is not None and any(parsed in network for network in self.networks)


PROXIES = web.AppKey("proxies", Proxies)


def is_https(request: web.Request) -> bool:
    """The browser's connection is HTTPS: ours, or the trusted proxy's in front of us."""
    if request.secure:
        return True
    proxies = request.app.get(PROXIES)
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return forwarded == "https" and proxies is not None and proxies.trusts(request.remote)


def client_address(request: web.Request) -> str:
    """Who is asking: the peer, or behind trusted proxies the last address in X-Forwarded-For they did not add."""
    peer = request.remote or "unknown"
    proxies = request.app.get(PROXIES)
    if proxies is None or not proxies.trusts(peer):
        return peer[:64]
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if _parse(hop) is None:
            break  # garbage: stop believing the header here
        if not proxies.trusts(hop):
            return hop[:64]
    return peer[:64]


def _parse(address: str | None) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(address or "")
    except ValueError:
        return None
