"""Secrets for participants and the facilitator, and what the database keeps of them.

Participants are known only by a random token kept on their phone; the database keeps
its SHA-256, so a copied database file does not let anyone act as a participant. Pure
(no Flask, no SQL): the store, the archive and the pages all use it.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A participant or facilitator secret: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
