"""Password hashing: argon2id at OWASP's parameters, legacy bcrypt read and replaced."""

from __future__ import annotations

import bcrypt
import pytest

from core.auth.passwords import (
    BCRYPT_MAX_BYTES,
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    hash_password,
    hash_policy_problem,
    verify_password,
)
from core.errors import ValidationError

# OWASP Password Storage Cheat Sheet minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
OWASP_PARAMETERS = f"m={19 * 1024},t=2,p=1"
PASSWORD = "correct horse battery staple"


def _legacy_bcrypt(password: str) -> str:
    """A hash as the old system stored it: bcrypt saw at most the first 72 bytes."""
    secret = password.encode("utf-8")[:BCRYPT_MAX_BYTES]
    return bcrypt.hashpw(secret, bcrypt.gensalt(rounds=4)).decode("ascii")


def _long_pair() -> tuple[str, str]:
    """Two passwords over 72 bytes that differ only after byte 72."""
    prefix = "é" * (BCRYPT_MAX_BYTES // 2)  # two bytes each: exactly 72 bytes
    assert len(prefix.encode()) == BCRYPT_MAX_BYTES
    return prefix + "-first-tail", prefix + "-other-tail"


def test_new_hashes_are_argon2id_at_owasp_parameters() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert OWASP_PARAMETERS in hashed


def test_hashes_are_salted_and_verify() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    for hashed in (first, second):
        assert verify_password(PASSWORD, hashed) == (True, None)
        assert verify_password(PASSWORD + "!", hashed) == (False, None)


@pytest.mark.parametrize(
    "password",
    ["", "x" * (MIN_PASSWORD_CHARS - 1), "x" * (MAX_PASSWORD_CHARS + 1)],
    ids=["empty", "too-short", "too-long"],
)
def test_unacceptable_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        hash_password(password)


def test_passwords_longer_than_72_bytes_count_in_full() -> None:
    password, same_prefix = _long_pair()
    hashed = hash_password(password)
    assert verify_password(password, hashed) == (True, None)
    assert verify_password(same_prefix, hashed) == (False, None)


def test_a_legacy_bcrypt_hash_verifies_and_is_replaced_by_argon2id() -> None:
    legacy = _legacy_bcrypt(PASSWORD)
    ok, replacement = verify_password(PASSWORD, legacy)
    assert ok is True
    assert replacement is not None and replacement.startswith("$argon2id$")
    assert OWASP_PARAMETERS in replacement
    assert verify_password(PASSWORD, replacement) == (True, None)


def test_a_wrong_password_against_bcrypt_gives_no_replacement() -> None:
    assert verify_password("not the password", _legacy_bcrypt(PASSWORD)) == (False, None)


def test_a_legacy_bcrypt_hash_of_a_long_password_verifies_and_upgrades_in_full() -> None:
    password, same_prefix = _long_pair()
    legacy = _legacy_bcrypt(password)
    # bcrypt only ever saw 72 bytes, so both verify against the legacy hash...
    assert verify_password(password, legacy)[0] is True
    ok, replacement = verify_password(password, legacy)
    assert ok and replacement is not None
    # ...but the argon2id replacement holds the whole password.
    assert verify_password(password, replacement) == (True, None)
    assert verify_password(same_prefix, replacement) == (False, None)


@pytest.mark.parametrize("stored", [None, "", "plaintext-password", "$unknown$abc"])
def test_missing_or_unknown_hashes_never_match(stored: str | None) -> None:
    assert verify_password("plaintext-password", stored) == (False, None)


def test_the_policys_own_hashes_and_cheap_legacy_bcrypt_meet_the_policy() -> None:
    assert hash_policy_problem(hash_password(PASSWORD)) is None
    assert hash_policy_problem(_legacy_bcrypt(PASSWORD)) is None


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (("m=19456", "m=4194304"), "m=4194304"),
        (("t=2", "t=99"), "t=99"),
        (("p=1", "p=8"), "p=8"),
        (("$argon2id$", "$argon2i$"), "argon2i,"),
    ],
)
def test_an_argon2_hash_of_other_parameters_is_named(change: tuple[str, str], named: str) -> None:
    problem = hash_policy_problem(hash_password(PASSWORD).replace(*change, 1))
    assert problem is not None and named in problem


@pytest.mark.parametrize(
    "stored", ["", "plaintext", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"]
)
def test_what_is_not_a_hash_of_the_policy_is_named(stored: str) -> None:
    assert hash_policy_problem(stored)


def test_a_costly_bcrypt_hash_is_named_by_its_cost() -> None:
    problem = hash_policy_problem(_legacy_bcrypt(PASSWORD).replace("$04$", "$31$", 1))
    assert problem == "bcrypt cost 31 (at most 12)"
