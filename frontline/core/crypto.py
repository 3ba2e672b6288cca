"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256) for personal data."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

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


_material: list[Any] = []  # [the cipher, the blind-index key] of the configured key, once read


def _current() -> tuple[AESGCM, bytes]:
    """The cipher and the blind-index key of FIELD_ENCRYPTION_KEY (read from the settings once)."""
    if not _material:
        master = settings.FIELD_ENCRYPTION_KEY
        enc, idx = _keys(master)
        _material[:] = [AESGCM(enc), idx]  # the cipher holds no per-message state
    return _material[0], _material[1]


@receiver(setting_changed)
def _forget_key(*, setting: str, **kwargs: Any) -> None:
    if setting == "FIELD_ENCRYPTION_KEY":
        _material.clear()


def encrypt(plain: str) -> str:
    """Encrypt a text value for storage."""
    nonce = os.urandom(12)
    sealed = _current()[0].encrypt(nonce, plain.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(stored: str) -> str:
    """Decrypt a stored value."""
    if not stored.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    blob = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode())
    return _current()[0].decrypt(blob[:12], blob[12:], None).decode()


def blind_index(kind: str, value: str) -> str:
    """Return the keyed hash used to find an exact value without decrypting."""
    idx_key = _current()[1]
    msg = f"{kind}:{value.strip().upper()}".encode()
    return hmac.new(idx_key, msg, hashlib.sha256).hexdigest()
