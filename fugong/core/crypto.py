"""Encryption of personal data at rest, and keyed digests to find it.

ID numbers and phone numbers are stored encrypted with AES-256-GCM (authenticated encryption),
each value with a fresh 96-bit nonce and the key id in front, so keys can be rotated: new values
use the first key of ``FUGONG_DATA_KEYS``, old values stay readable with any key listed, and
``manage.py rotate_data_keys`` re-encrypts them. To find a person by number the database holds
an HMAC-SHA256 digest made with ``FUGONG_LOOKUP_KEY``, a second key that is never stored in the
database, so the file alone gives away neither the numbers nor a way to test guesses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"
NONCE_BYTES = 12  # 96 bits, the size AES-GCM is made for


def _decode_key(text: str, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: a key is not valid base64.") from error
    if len(key) != 32:
        raise ImproperlyConfigured(
            f"{name}: each key must be 32 bytes (base64 of 32 random bytes)."
        )
    return key


@cache
def data_keys() -> tuple[str, dict[str, bytes]]:
    """(id of the key new values use, every key by id) from ``FUGONG_DATA_KEYS``."""
    entries = [entry.strip() for entry in settings.FUGONG_DATA_KEYS.split(",") if entry.strip()]
    if not entries:
        raise ImproperlyConfigured("FUGONG_DATA_KEYS must list at least one key as id:base64.")
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, _, encoded = entry.partition(":")
        if not key_id or not encoded or ":" in key_id:
            raise ImproperlyConfigured("FUGONG_DATA_KEYS entries are written id:base64key.")
        keys[key_id] = _decode_key(encoded, "FUGONG_DATA_KEYS")
    return entries[0].partition(":")[0], keys


@cache
def lookup_key() -> bytes:
    return _decode_key(settings.FUGONG_LOOKUP_KEY, "FUGONG_LOOKUP_KEY")


@cache
def _cipher(key_id: str) -> AESGCM:
    return AESGCM(data_keys()[1][key_id])


def encrypt(plaintext: str) -> str:
    """``v1:<key id>:<base64 nonce+ciphertext+tag>``."""
    key_id, _keys = data_keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(key_id).encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def encrypt_many(plaintexts: Sequence[str]) -> list[str]:
    """``encrypt`` of each value (for an import's hundred thousand numbers): the nonces, fresh
    and random as ``encrypt``'s, are drawn from the operating system in one call rather than
    one call per value."""
    key_id, _keys = data_keys()
    cipher = _cipher(key_id)
    associated = key_id.encode()
    prefix = f"{PREFIX}:{key_id}:"
    nonces = os.urandom(NONCE_BYTES * len(plaintexts))
    result = []
    for index, plaintext in enumerate(plaintexts):
        nonce = nonces[index * NONCE_BYTES : (index + 1) * NONCE_BYTES]
        sealed = cipher.encrypt(nonce, plaintext.encode(), associated)
        result.append(prefix + base64.b64encode(nonce + sealed).decode())
    return result


def decrypt(token: str) -> str:
    prefix, key_id, payload = token.split(":", 2)
    if prefix != PREFIX:
        raise ValueError("unknown ciphertext format")
    if key_id not in data_keys()[1]:
        raise ImproperlyConfigured(f"Data key {key_id!r} is not in FUGONG_DATA_KEYS.")
    raw = base64.b64decode(payload)
    try:
        return _cipher(key_id).decrypt(raw[:12], raw[12:], key_id.encode()).decode()
    except InvalidTag as error:
        raise ValueError("the ciphertext was altered or the key is wrong") from error


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def lookup_digest(kind: str, value: str) -> str:
    """The keyed digest used to find ``value`` (an ID or phone number) without storing it."""
    mac = _keyed_sha256(lookup_key()).copy()
    mac.update(f"{kind}:{value}".encode())
    return mac.hexdigest()


@cache
def _keyed_sha256(key: bytes) -> hmac.HMAC:
    """HMAC-SHA256 with ``key`` set up once: each digest copies it rather than keying anew,
    which hashes the key's two padded blocks again (a third of the work for a short value;
    an import takes two digests a row). Copying leaves this one untouched."""
    return hmac.new(key, digestmod=hashlib.sha256)


def new_key() -> str:
    """A fresh key, base64: what to put in the environment."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def document_digest(document_type: str, number: str) -> str:
    """The lookup digest of a person's document number (of its type)."""
    return lookup_digest(f"document:{document_type}", number)


def phone_digest(number: str) -> str:
    """The lookup digest of a phone number."""
    return lookup_digest("phone", number)
