"""The SSRF guard at the edge: resolve a target's host and apply the target policy to every address it has.

Asked at registration (a 422), at start-up (the SMS gateways: the service refuses to start) and before every
send (DNS can change after registration). A name could still re-resolve between this check and the connect;
a deployment that must close that window sends through an egress proxy.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket

from linli_notify.domain.targets import Address, TargetPolicy, TargetRefused


class TargetGuard:
    def __init__(self, policy: TargetPolicy) -> None:
        self.policy = policy

    async def check(self, url: str) -> None:
        """Raises TargetRefused (insecure, refused, invalid or unresolvable); outside production: the form only."""
        host, port, allowed = self.policy.host_of(url)
        if not self.policy.enforce or allowed:
            return
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise TargetRefused("unresolvable", f"{host} does not resolve") from exc
        self.policy.check_addresses(host, _addresses(infos))

    def check_now(self, url: str) -> None:
        """The same, blocking: for start-up, before the loop serves anything."""
        host, port, allowed = self.policy.host_of(url)
        if not self.policy.enforce or allowed:
            return
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise TargetRefused("unresolvable", f"{host} does not resolve") from exc
        self.policy.check_addresses(host, _addresses(infos))


def _addresses(infos: list) -> list[Address]:
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
