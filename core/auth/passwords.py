"""Password hashing through a libpass ``CryptContext``: argon2id at OWASP's parameters, bcrypt read
and upgraded on the next successful login."""

from __future__ import annotations

from passlib.context import CryptContext

from core.errors import ValidationError

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
BCRYPT_MAX_BYTES = 72

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
CONTEXT = CryptContext(
    schemes=["argon2", "bcrypt"],
    deprecated="auto",
    argon2__type="ID",
    argon2__memory_cost=19 * 1024,
    argon2__time_cost=2,
    argon2__parallelism=1,
)

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


def burn_equal_time(password: str) -> None:
    """Spend what one verification costs, for paths that must not reveal an account exists."""
    CONTEXT.verify(password or "x", DUMMY_HASH)
