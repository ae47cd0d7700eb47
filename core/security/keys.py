"""The device's data key: 32 random bytes kept in the OS keyring, or in an owner-only key file
outside the data directory where no keyring exists. Never created over existing data.

The data directory holds only ``keyinfo.json``: the key's id and a check value (an HKDF output,
which reveals nothing about the key) so that a wrong key is recognised before anything is opened.
Sub-keys for SQLCipher, files and the cache are derived from the data key with HKDF-SHA256.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import os
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import keyring
import keyring.backend
import keyring.errors
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from keyring.backends import chainer, fail, null

from core.security.errors import KeyMissingError, KeyStoreError, WrongKeyError
from core.security.permissions import PRIVATE_FILE, make_private_dir, write_private

log = logging.getLogger(__name__)

SERVICE = "SkinLab"
KEYINFO_FILE = "keyinfo.json"
KEY_BYTES = 32
StoreMode = Literal["auto", "keyring", "file"]


@dataclass(frozen=True)
class DataKey:
    """The data key of one data directory, and where it was found."""

    key_id: str
    secret: bytes
    location: str

    def derive(self, purpose: str) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"skinlab/{purpose}".encode()
        ).derive(self.secret)

    @property
    def database_key(self) -> bytes:
        """SQLCipher's raw key (no passphrase stretching: the key is already random)."""
        return self.derive("sqlcipher-v1")

    @property
    def file_key(self) -> bytes:
        return self.derive("files-aes-gcm-v1")

    @property
    def check(self) -> str:
        return self.derive("check-v1")[:16].hex()

    def __repr__(self) -> str:  # never print the secret
        return f"DataKey(key_id={self.key_id!r}, location={self.location!r})"


def _keyring_usable(backend: keyring.backend.KeyringBackend, mode: StoreMode) -> bool:
    """A real OS keyring (Secret Service, Keychain, Credential Locker), or any configured one
    when the mode asks for the keyring explicitly. Low-priority stand-ins don't count in auto."""
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(_keyring_usable(b, mode) for b in backend.backends)
    return mode == "keyring" or float(backend.priority) >= 1


class KeyStore:
    """Where data keys live: the keyring (entry ``SkinLab`` / ``data-key-<id>``) or ``<id>.key``
    files in ``key_dir`` (created 0700, files 0600)."""

    def __init__(
        self,
        key_dir: Path,
        *,
        mode: StoreMode = "auto",
        backend: keyring.backend.KeyringBackend | None = None,
    ) -> None:
        self.key_dir = Path(key_dir).expanduser()
        self.mode = mode
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend | None:
        if self.mode == "file":
            return None
        backend = self._backend or keyring.get_keyring()
        if _keyring_usable(backend, self.mode):
            return backend
        if self.mode == "keyring":
            raise KeyStoreError(
                f"No usable keyring on this computer ({type(backend).__name__}); set "
                'key_store = "file" to keep the data key in an owner-only file instead'
            )
        return None

    def key_file(self, key_id: str) -> Path:
        return self.key_dir / f"{key_id}.key"

    @staticmethod
    def username(key_id: str) -> str:
        return f"data-key-{key_id}"

    def candidates(self, key_id: str) -> list[tuple[str, str]]:
        """Every stored value for ``key_id`` as (where, text): keyring first, then the key file."""
        found: list[tuple[str, str]] = []
        backend = self.backend
        if backend is not None:
            try:
                value = backend.get_password(SERVICE, self.username(key_id))
            except keyring.errors.KeyringError as exc:
                log.warning("The keyring could not be read: %s", exc)
                value = None
            if value is not None:
                found.append((f"the keyring ({type(backend).__name__})", value))
        path = self.key_file(key_id)
        try:
            if path.is_file():
                if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
                    log.warning("Key file %s was readable by others; restricting it", path)
                    path.chmod(PRIVATE_FILE)
                found.append((str(path), path.read_text(encoding="ascii").strip()))
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyStoreError(f"The key file {path} cannot be read ({exc})") from exc
        return found

    def save(self, key_id: str, secret: bytes) -> str:
        """Keep a new key: in the keyring when there is one, else in an owner-only file."""
        text = base64.b64encode(secret).decode("ascii")
        backend = self.backend
        if backend is not None:
            try:
                backend.set_password(SERVICE, self.username(key_id), text)
                return f"the keyring ({type(backend).__name__})"
            except keyring.errors.KeyringError as exc:
                if self.mode == "keyring":
                    raise KeyStoreError(f"The keyring refused the data key: {exc}") from exc
                log.warning("The keyring refused the data key (%s); using a key file", exc)
        try:
            make_private_dir(self.key_dir)
            write_private(self.key_file(key_id), (text + "\n").encode("ascii"))
        except OSError as exc:
            raise KeyStoreError(
                f"The data key cannot be saved in {self.key_dir} ({exc.strerror or exc}); "
                "set key_dir to a folder you own"
            ) from exc
        return str(self.key_file(key_id))


def _decode(text: str) -> bytes | None:
    try:
        secret = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return secret if len(secret) == KEY_BYTES else None


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    check: str


def read_keyinfo(data_dir: Path) -> KeyInfo | None:
    path = data_dir / KEYINFO_FILE
    if not path.exists():
        return None
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        return KeyInfo(key_id=str(uuid.UUID(raw["key_id"]).hex), check=str(raw["check"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyStoreError(
            f"{path} is damaged ({exc}); restore it from a copy of the data directory"
        ) from exc


def _check_outside(data_dir: Path, key_dir: Path) -> None:
    data, keys = data_dir.resolve(), key_dir.expanduser().resolve()
    if keys == data or data in keys.parents:
        raise KeyStoreError(
            f"The key folder {keys} is inside the data directory {data}: a copy of the data would "
            "carry its key. Choose a key_dir outside it."
        )


def open_data_key(data_dir: Path, store: KeyStore, *, encrypted: str | None) -> DataKey:
    """The data key for ``data_dir``: found and checked, or created when nothing is encrypted yet
    (``encrypted`` names a file that already looks encrypted, or is None).

    Raises :class:`KeyMissingError` or :class:`WrongKeyError` rather than ever making a new key
    for a directory that already holds encrypted data.
    """
    _check_outside(data_dir, store.key_dir)
    info = read_keyinfo(data_dir)
    if info is None:
        if encrypted is not None:
            raise KeyMissingError(
                f"{encrypted} is damaged, or encrypted with a key that {data_dir} no longer names "
                f"({KEYINFO_FILE} is missing). SkinLab will not make a new key over it: restore "
                f"{KEYINFO_FILE} and its key, or move the file away to start afresh."
            )
        return _create(data_dir, store)
    candidates = store.candidates(info.key_id)
    if not candidates:
        raise KeyMissingError(
            f"The key that encrypts {data_dir} (id {info.key_id}) is neither in the keyring nor in "
            f"{store.key_file(info.key_id)}. Restore that key (keyring entry '{SERVICE}' / "
            f"'{store.username(info.key_id)}', or the key file); SkinLab will not start without it "
            "and will not make a new one over your data."
        )
    for where, text in candidates:
        secret = _decode(text)
        if secret is None:
            continue
        key = DataKey(info.key_id, secret, where)
        if hmac.compare_digest(key.check, info.check):
            return key
    places = " and ".join(where for where, _ in candidates)
    raise WrongKeyError(
        f"The key found in {places} is not the key that encrypts {data_dir}. SkinLab will not "
        "start with it: restore the right key, or point key_dir at the folder that holds it."
    )


def _create(data_dir: Path, store: KeyStore) -> DataKey:
    key_id = uuid.uuid4().hex
    secret = os.urandom(KEY_BYTES)
    where = store.save(key_id, secret)
    key = DataKey(key_id, secret, where)
    # The key is stored before the file that names it, so a crash leaves at most an unused key.
    payload = {"format": 1, "key_id": key_id, "check": key.check}
    write_private(data_dir / KEYINFO_FILE, (json.dumps(payload) + "\n").encode("utf-8"))
    log.info("Created the data key %s in %s", key_id, where)
    return key
