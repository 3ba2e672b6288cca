"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256) for personal data."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Stored values carry a version prefix so the key can be rotated later without guessing.
PREFIX = "v1:"


@cache
def _keys(master: str) -> tuple[bytes, bytes]:
    raw = base64.urlsafe_b64decode(master.encode())
    if len(raw) < 32:
        raise ValueError("FIELD_ENCRYPTION_KEY must be 32 bytes, url-safe base64 encoded")
    # Separate keys for encryption and for the blind index: a leaked index key must not decrypt.
    enc = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"frontline-enc").derive(raw)
    idx = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"frontline-idx").derive(raw)
    return enc, idx


@cache
def _aead(master: str) -> AESGCM:
    """The cipher of the key (its set-up costs a third of an encryption; it holds no per-message state)."""
    return AESGCM(_keys(master)[0])


def encrypt(plain: str) -> str:
    """Encrypt a text value for storage."""
    nonce = os.urandom(12)
    sealed = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plain.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(stored: str) -> str:
    """Decrypt a stored value."""
    if not stored.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    blob = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode())
    return _aead(settings.FIELD_ENCRYPTION_KEY).decrypt(blob[:12], blob[12:], None).decode()


def blind_index(kind: str, value: str) -> str:
    """Return the keyed hash used to find an exact value without decrypting."""
    _, idx_key = _keys(settings.FIELD_ENCRYPTION_KEY)
    msg = f"{kind}:{value.strip().upper()}".encode()
    return hmac.new(idx_key, msg, hashlib.sha256).hexdigest()
