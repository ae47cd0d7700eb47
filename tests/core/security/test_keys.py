"""The data key: created once, found again, and a wrong or missing key refuses to start."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring

from core.security.errors import KeyMissingError, KeyStoreError, WrongKeyError
from core.security.keys import KEYINFO_FILE, SERVICE, KeyStore, open_data_key


class FolderKeyring(PlaintextKeyring):  # type: ignore[misc]
    """keyrings.alt's file keyring (a real backend), kept in the test's own folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self._folder = folder

    @property
    def file_path(self) -> str:
        return str(self._folder / "keyring.cfg")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_key_goes_to_an_owner_only_file_outside_the_data(tmp_path: Path) -> None:
    data, keys = tmp_path / "data", tmp_path / "keys"
    data.mkdir()
    store = KeyStore(keys, mode="file")
    key = open_data_key(data, store, encrypted=None)
    key_file = store.key_file(key.key_id)
    assert key_file.is_file() and _mode(key_file) == 0o600 and _mode(keys) == 0o700
    assert _mode(data / KEYINFO_FILE) == 0o600
    assert base64.b64decode(key_file.read_text()) == key.secret
    assert key.secret.hex() not in (data / KEYINFO_FILE).read_text()
    again = open_data_key(data, store, encrypted="The database")
    assert again.secret == key.secret and again.database_key == key.database_key
    assert len({key.database_key, key.file_key, key.secret}) == 3


def test_a_missing_key_file_refuses_and_never_makes_a_new_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store = KeyStore(tmp_path / "keys", mode="file")
    key = open_data_key(data, store, encrypted=None)
    store.key_file(key.key_id).unlink()
    with pytest.raises(KeyMissingError) as caught:
        open_data_key(data, store, encrypted="The database")
    assert caught.value.code == "key_missing" and key.key_id in caught.value.message
    assert list((tmp_path / "keys").iterdir()) == []  # nothing new was made


def test_encrypted_data_without_its_keyinfo_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(KeyMissingError, match="will not make a new key"):
        open_data_key(data, KeyStore(tmp_path / "keys", mode="file"), encrypted="The database x")
    assert not (data / KEYINFO_FILE).exists()


def test_a_wrong_key_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store = KeyStore(tmp_path / "keys", mode="file")
    key = open_data_key(data, store, encrypted=None)
    store.key_file(key.key_id).write_text(base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(WrongKeyError) as caught:
        open_data_key(data, store, encrypted="The database")
    assert caught.value.code == "wrong_key"
    store.key_file(key.key_id).write_text("not base64 at all")
    with pytest.raises(WrongKeyError):
        open_data_key(data, store, encrypted="The database")


def test_the_keyring_holds_the_key_when_there_is_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    backend = FolderKeyring(tmp_path)
    store = KeyStore(tmp_path / "keys", mode="keyring", backend=backend)
    key = open_data_key(data, store, encrypted=None)
    assert not store.key_file(key.key_id).exists()
    assert backend.get_password(SERVICE, store.username(key.key_id)) is not None
    assert open_data_key(data, store, encrypted="x").secret == key.secret


def test_a_wrong_keyring_entry_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    backend = FolderKeyring(tmp_path)
    store = KeyStore(tmp_path / "keys", mode="keyring", backend=backend)
    key = open_data_key(data, store, encrypted=None)
    backend.set_password(
        SERVICE, store.username(key.key_id), base64.b64encode(os.urandom(32)).decode()
    )
    with pytest.raises(WrongKeyError, match="keyring"):
        open_data_key(data, store, encrypted="x")
    backend.delete_password(SERVICE, store.username(key.key_id))
    with pytest.raises(KeyMissingError):
        open_data_key(data, store, encrypted="x")


def test_auto_mode_does_not_trust_a_low_priority_keyring(tmp_path: Path) -> None:
    """keyrings.alt's plain file keyring is a stand-in, not an OS keyring: auto uses a key file."""
    data = tmp_path / "data"
    data.mkdir()
    store = KeyStore(tmp_path / "keys", mode="auto", backend=FolderKeyring(tmp_path))
    key = open_data_key(data, store, encrypted=None)
    assert store.key_file(key.key_id).is_file()


def test_a_key_folder_inside_the_data_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="inside the data directory"):
        open_data_key(tmp_path, KeyStore(tmp_path / "keys", mode="file"), encrypted=None)
