"""Abuse protection of the online questionnaire without CAPTCHA: pure helpers.

* **Form tickets.** The form carries a signed ticket (campaign, organisation,
  issue time, random nonce). A submission needs a valid ticket at least
  ``QUESTIONNAIRE_MIN_SECONDS`` old (minimum fill time) and at most
  ``QUESTIONNAIRE_MAX_AGE``; its nonce makes a re-sent form idempotent.
* **Addresses.** The client address is ``REMOTE_ADDR`` unless a configured
  number of trusted proxies append to ``X-Forwarded-For``. Addresses are never
  stored: only salted HMACs of the address and of its network (IPv4 /24,
  IPv6 /56), kept for the abuse window and then erased.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

_TICKET_SALT = "qp.evaluation.questionnaire.ticket"


class TicketError(ValueError):
    """A form ticket is missing, forged or malformed."""


@dataclass(frozen=True)
class FormTicket:
    """What a valid form ticket says."""

    campaign_id: int
    organisation_id: int
    issued_at: int
    nonce: str


def _sign(message: str) -> str:
    return salted_hmac(_TICKET_SALT, message, algorithm="sha256").hexdigest()[:32]


def issue_ticket(
    campaign_id: int, organisation_id: int, issued_at: float | None = None
) -> str:
    """A signed ticket for one form; ``issued_at`` defaults to now (Unix time)."""
    issued = int(time.time() if issued_at is None else issued_at)
    nonce = secrets.token_hex(8)
    message = f"{campaign_id}.{organisation_id}.{issued}.{nonce}"
    return f"{message}.{_sign(message)}"


def read_ticket(ticket: str) -> FormTicket:
    """Check a ticket's signature and return its content.

    Raises:
        TicketError: the ticket is missing, malformed or its signature is wrong.
    """
    parts = (ticket or "").split(".")
    if len(parts) != 5:
        raise TicketError("malformed")
    message, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_sign(message), signature):
        raise TicketError("signature")
    try:
        campaign_id, organisation_id, issued = (int(p) for p in parts[:3])
    except ValueError as error:
        raise TicketError("malformed") from error
    return FormTicket(campaign_id, organisation_id, issued, parts[3])


def client_address(meta: Mapping[str, str], trusted_proxies: int) -> str:
    """The client's IP address from a WSGI environ / ``request.META``.

    With ``trusted_proxies = n > 0`` the address is the n-th entry from the
    right of ``X-Forwarded-For`` (what the nearest trusted proxy saw); entries
    further left are client-controlled and ignored. Falls back to
    ``REMOTE_ADDR``; returns ``""`` when nothing is a valid address.
    """
    candidate = meta.get("REMOTE_ADDR", "")
    if trusted_proxies > 0:
        chain = [
            part.strip()
            for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(chain) >= trusted_proxies:
            candidate = chain[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return ""


def network_of(address: str) -> str:
    """The network a duplicate check compares: IPv4 /24, IPv6 /56."""
    if not address:
        return ""
    ip = ipaddress.ip_address(address)
    prefix = 24 if ip.version == 4 else 56
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def address_hash(value: str, salt: bytes) -> str:
    """Salted HMAC-SHA256 of an address or network (hex, 32 characters)."""
    if not value:
        return ""
    return hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()[:32]
