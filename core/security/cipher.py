"""AES-256-GCM for files at rest (photos, thumbnails, stored PDFs, cache values).

A sealed file is ``MAGIC | nonce (12 bytes) | ciphertext | tag (16 bytes)``. The associated data
binds it to its purpose and name (an image's SHA-256, a cache key), so a file copied under another
name, or a cache value moved to another key, does not decrypt.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.errors import StorageError

MAGIC = b"SKLNENC1"
NONCE_BYTES = 12
OVERHEAD = len(MAGIC) + NONCE_BYTES + 16


def is_sealed(data: bytes) -> bool:
    return data[: len(MAGIC)] == MAGIC


class FileCipher:
    """Seal and open byte strings with one 256-bit key; a fresh random nonce per seal."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("an AES-256-GCM key is 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, *, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return MAGIC + nonce + self._aead.encrypt(nonce, plaintext, _aad(context))

    def open(self, sealed: bytes, *, context: str) -> bytes:
        """The plaintext, or :class:`StorageError` when the file is not ours, damaged or moved."""
        if not is_sealed(sealed) or len(sealed) < OVERHEAD:
            raise StorageError("The file is not an encrypted SkinLab file")
        nonce = sealed[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[len(MAGIC) + NONCE_BYTES :], _aad(context))
        except InvalidTag as exc:
            raise StorageError(
                "An encrypted file does not open with this device's key: it is damaged, "
                "or it belongs to another SkinLab installation"
            ) from exc


def _aad(context: str) -> bytes:
    return MAGIC + context.encode("utf-8")
