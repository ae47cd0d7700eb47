"""Password hashing through a libpass ``CryptContext``: argon2id at OWASP's parameters, bcrypt read
and upgraded on the next successful login."""

from __future__ import annotations

from passlib.context import CryptContext

from core.errors import ValidationError

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
BCRYPT_MAX_BYTES = 72

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
ARGON2_TYPE = "id"
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
ARGON2_VERSION = 0x13
CONTEXT = CryptContext(
    schemes=["argon2", "bcrypt"],
    deprecated="auto",
    argon2__type=ARGON2_TYPE.upper(),
    argon2__memory_cost=ARGON2_MEMORY_KIB,
    argon2__time_cost=ARGON2_TIME_COST,
    argon2__parallelism=ARGON2_PARALLELISM,
)

# Legacy bcrypt hashes are still read (and upgraded at the next sign-in), up to passlib's default cost.
BCRYPT_MAX_COST = 12
ARGON2_SALT_BYTES = (16, 64)
ARGON2_DIGEST_BYTES = 32

# Verified against when an email is unknown, so a wrong email costs as much as a wrong password.
DUMMY_HASH = CONTEXT.hash("skinlab-timing-equaliser")


def check_password_rules(password: str) -> None:
    if not password:
        raise ValidationError("The password must not be empty")
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValidationError(f"The password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValidationError(f"The password must have at most {MAX_PASSWORD_CHARS} characters")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return str(CONTEXT.hash(password))


def _bcrypt_secret(password: str) -> bytes:
    # Legacy bcrypt only ever saw the first 72 bytes (passlib truncated silently); bcrypt 5 raises
    # instead, so truncate the same way to verify, then re-hash the full password with argon2id.
    return password.encode("utf-8")[:BCRYPT_MAX_BYTES]


def verify_password(password: str, hashed: str | None) -> tuple[bool, str | None]:
    """Return (matches, replacement hash or None). A missing or unknown hash never matches."""
    if not hashed:
        CONTEXT.verify(password or "x", DUMMY_HASH)
        return False, None
    try:
        scheme = CONTEXT.identify(hashed)
    except ValueError:
        scheme = None
    if scheme is None:  # a hash no scheme recognises (damaged, or never a hash): never a match
        CONTEXT.verify(password or "x", DUMMY_HASH)
        return False, None
    if scheme == "bcrypt":
        ok = CONTEXT.verify(_bcrypt_secret(password), hashed)
        return ok, (CONTEXT.hash(password) if ok else None)
    ok, new_hash = CONTEXT.verify_and_update(password, hashed)
    return bool(ok), new_hash


def hash_policy_problem(hashed: str) -> str | None:
    """Why ``hashed`` is not a hash this policy makes (argon2id at the parameters above) or still
    reads (bcrypt up to ``BCRYPT_MAX_COST``); None when it is one.

    A hash names its own cost: one made elsewhere (argon2 with 4 GiB, bcrypt at cost 31) would
    make whoever checks a password against it pay that, so hashes that arrive from elsewhere (sync)
    are held to the policy before anyone verifies against them.
    """
    try:
        scheme = CONTEXT.identify(hashed)
    except ValueError:
        scheme = None
    try:
        if scheme == "argon2":
            return _argon2_problem(hashed)
        if scheme == "bcrypt":
            cost = int(CONTEXT.handler("bcrypt").from_string(hashed).rounds)
            return None if cost <= BCRYPT_MAX_COST else f"bcrypt cost {cost} (at most 12)"
    except ValueError:
        pass
    return "it is not an argon2id or bcrypt hash"


def _argon2_problem(hashed: str) -> str | None:
    found = CONTEXT.handler("argon2").from_string(hashed)
    wanted = (ARGON2_TYPE, ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM, ARGON2_VERSION)
    seen = (found.type, found.memory_cost, found.rounds, found.parallelism, found.version)
    if seen != wanted:
        return "argon2{}, m={}, t={}, p={}, v={} (SkinLab makes argon2{}, m={}, t={}, p={}, v={})".format(
            *seen, *wanted
        )
    low, high = ARGON2_SALT_BYTES
    if not low <= len(found.salt) <= high or len(found.checksum) != ARGON2_DIGEST_BYTES:
        return "argon2 salt or digest of an unusual length"
    return None


def burn_equal_time(password: str) -> None:
    """Spend what one verification costs, for paths that must not reveal an account exists."""
    CONTEXT.verify(password or "x", DUMMY_HASH)
