"""The SSRF guard: every address a connection goes to is vetted after DNS, at connect time.

A feed can point anywhere, and so can its redirects and its images; without this guard a feed
could make newsmirror read a router's admin page or a cloud metadata endpoint and archive it.
Checking the URL's host up front is not enough: a redirect hop would skip the check, and a name
can resolve to a public address when checked and to a private one when connected (DNS
rebinding). So ``GuardedBackend`` sits under httpcore, resolves the name once, refuses when any
address is not allowed, and then connects to the vetted address itself.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore

from newsmirror.errors import ConfigError
from newsmirror.settings.config import FetchSettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class Refused(Exception):
    """Raised from inside httpcore; the fetcher, which knows the URL, turns it into BlockedAddress.

    Deliberately not an OSError, so that no layer in between mistakes it for a connect failure.
    """

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}")
        self.host = host
        self.address = address


def is_public(ip: IPAddress) -> bool:
    """True for addresses on the public internet; the guard refuses everything else."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            # ::ffff:a.b.c.d reaches a.b.c.d, so it is judged as that address.
            return is_public(ip.ipv4_mapped)
        if ip.sixtofour is not None and not is_public(ip.sixtofour):
            return False  # 6to4 relays deliver to the embedded IPv4 address
        if ip.is_site_local:
            return False
    # is_global alone lets multicast through (Python 3.11), and reserved ranges are not routable.
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _plain(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


@dataclass(frozen=True)
class AddressPolicy:
    allow_all: bool = False
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_settings(cls, settings: FetchSettings) -> AddressPolicy:
        networks = []
        for cidr in settings.allowed_networks:
            try:
                networks.append(ipaddress.ip_network(cidr.strip(), strict=False))
            except ValueError:
                raise ConfigError(
                    f"[fetch] allowed_networks: {cidr!r} is not a network; "
                    'write it as CIDR, e.g. "10.1.0.0/16"'
                ) from None
        return cls(settings.allow_private_networks, tuple(networks))

    def allows(self, ip: IPAddress) -> bool:
        if self.allow_all or is_public(ip):
            return True
        plain = _plain(ip)
        return any(plain in network for network in self.networks)

    def vet(self, host: str, addresses: Iterable[IPAddress]) -> None:
        """Raise Refused when any address is not allowed: one bad answer taints the name."""
        for ip in addresses:
            if not self.allows(ip):
                raise Refused(host, str(ip))


async def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses of ``host`` in resolver order, without duplicates; OSError when none."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise OSError(f"{host} has no addresses")
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, vets, then connects to the vetted address.

    TLS is unaffected: httpcore calls ``start_tls`` with ``server_hostname`` taken from the
    request's origin (or its ``sni_hostname`` extension), never from the address we connect to,
    so SNI and certificate checks still use the host name.
    """

    def __init__(
        self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        try:
            async with asyncio.timeout_at(deadline):
                addresses = await resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
        self._policy.vet(host, addresses)
        failure: Exception = httpcore.ConnectError(f"cannot connect to {host}")
        # Try each vetted address in the resolver's preference order, as a plain client would.
        for ip in addresses:
            remaining = None if deadline is None else max(deadline - loop.time(), 0.0)
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=remaining,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as error:
                failure = error
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # newsmirror never configures a Unix socket; refuse rather than connect unvetted.
        raise httpcore.ConnectError(f"Unix socket {path} refused by the address guard")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def vet_target(policy: AddressPolicy, host: str, port: int, timeout: float) -> None:
    """Best-effort check of a target reached through a proxy.

    With a proxy the connection goes to the proxy, whose own address is exempt (it is configured
    on purpose, often on localhost), and the proxy resolves the target itself; so the target is
    resolved here before the request and refused when an address is not allowed. A rebinding
    name can still differ between this lookup and the proxy's, and names only the proxy can
    resolve (socks5h, .onion) pass unchecked: the proxy's network is the proxy's business.
    """
    if policy.allow_all:
        return
    try:
        async with asyncio.timeout(timeout):
            addresses = await resolve(host, port)
    except (OSError, UnicodeError, TimeoutError):
        return
    policy.vet(host, addresses)
