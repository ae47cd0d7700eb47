"""Authentication and authorisation: password hashing, lock-out, tokens, roles."""

from core.auth.permissions import Permission, is_allowed, require
from core.auth.service import AuthService, LockoutPolicy, RoleNotAllowedError, SignedIn
from core.auth.tokens import TokenSettings, create_access_token, decode_access_token

__all__ = [
    "AuthService",
    "LockoutPolicy",
    "Permission",
    "RoleNotAllowedError",
    "SignedIn",
    "TokenSettings",
    "create_access_token",
    "decode_access_token",
    "is_allowed",
    "require",
]
