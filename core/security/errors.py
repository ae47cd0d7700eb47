"""Errors about the data key: SkinLab refuses to start rather than guess or make a new key."""

from __future__ import annotations

from core.errors import CorruptDatabaseError, SkinLabError


class DataKeyError(SkinLabError):
    code = "data_key_error"


class KeyMissingError(DataKeyError):
    """The data is encrypted but its key is in neither the keyring nor the key file."""

    code = "key_missing"


class WrongKeyError(DataKeyError):
    """A key was found but it is not the one this data was encrypted with."""

    code = "wrong_key"


class KeyStoreError(DataKeyError):
    """The keyring or the key folder cannot be used (permissions, inside the data directory...)."""

    code = "key_store_unusable"


class DatabaseKeyError(CorruptDatabaseError):
    """An encrypted database that does not open with the data key (another key, or damage:
    SQLCipher cannot tell them apart)."""

    code = "database_key_mismatch"
