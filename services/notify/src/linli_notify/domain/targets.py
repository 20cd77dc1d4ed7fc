"""Where notify may send: in production, only public addresses over https, unless ops allow-list a host.

A URL an admin registers (a webhook, a WeCom robot) or ops configure (an SMS gateway) could otherwise point at
the metadata service, the store or another internal system (SSRF). The rules here are pure; resolving the
host name is the caller's (channels/targets.py), at registration, at start-up and again before every send.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TargetRefused(ValueError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail  # code: insecure, refused, invalid, unresolvable


def internal(ip: Address) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified, shared (CGNAT), documentation …

    An IPv6 address that carries an IPv4 one (mapped, 6to4, Teredo) is judged by the address it carries.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        carried = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if carried is not None:
            return internal(carried)
    return ip.is_multicast or not ip.is_global


@dataclass(frozen=True)
class TargetPolicy:
    enforce: bool  # production
    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[Network, ...] = ()

    @classmethod
    def from_list(cls, enforce: bool, entries: list[str] | tuple[str, ...]) -> TargetPolicy:
        """Allow-list entries are host names (exact, case-insensitive) or IP networks (`10.1.2.0/24`, `10.1.2.3`)."""
        hosts, networks = set(), []
        for entry in (e.strip() for e in entries if e.strip()):
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(enforce, frozenset(hosts), tuple(networks))

    def host_of(self, url: str) -> tuple[str, int, bool]:
        """(host, port, allow-listed by name); the static checks: a URL, https in production."""
        try:
            parts = urlsplit(url)
            host, port = (parts.hostname or "").lower().rstrip("."), parts.port
        except ValueError as exc:
            raise TargetRefused("invalid", f"not a URL: {exc}") from None
        if parts.scheme not in ("http", "https") or not host:
            raise TargetRefused("invalid", "the URL must be http(s)://host/…")
        if self.enforce and parts.scheme != "https":
            raise TargetRefused("insecure", "production sends only over https://")
        return host, port or (443 if parts.scheme == "https" else 80), host in self.allowed_hosts

    def check_addresses(self, host: str, addresses: list[Address]) -> None:
        """Every address the host resolves to must be public or allow-listed (one bad answer is enough to refuse)."""
        if not self.enforce:
            return
        for ip in addresses:
            if internal(ip) and not any(ip in network for network in self.allowed_networks):
                raise TargetRefused("refused", f"{host} resolves to an internal address; not allowed in production"
                                               " unless allow-listed (LINLI_NOTIFY_ALLOWED_PRIVATE_HOSTS)")
