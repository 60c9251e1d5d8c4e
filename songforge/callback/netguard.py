"""Decides whether a callback URL may be called: http(s) only, no private targets unless allow-listed."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from songforge.errors import CallbackRefused

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> list[IPNetwork]:
    """Comma-separated CIDRs (bad entries raise ValueError so a typo in settings is loud)."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()]


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


class CallbackGuard:
    """Checks callback URLs against the allow-list of private networks."""

    def __init__(self, allowed_networks: str = "") -> None:
        self.allowed = parse_networks(allowed_networks)

    def check(self, url: str) -> None:
        """Raise CallbackRefused unless ``url`` is http(s) and every address it resolves to may be called."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CallbackRefused("callback URL must be an absolute http(s) URL", field="callback_url")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, ValueError) as exc:
            raise CallbackRefused(f"callback host cannot be resolved: {parts.hostname}",
                                  field="callback_url") from exc
        for info in infos:
            ip = ipaddress.ip_address(info[4][0])
            if _forbidden(ip) and not any(ip in net for net in self.allowed):
                raise CallbackRefused(
                    f"callback URL resolves to a private or loopback address ({ip}); "
                    "allow it with SONGFORGE_CALLBACKS__ALLOWED_NETWORKS", field="callback_url")
