"""AuthService over a real database: registration, sign-in, lock-out, tokens, current user."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import jwt
import pytest
from sqlalchemy import func, select

from core.auth import passwords
from core.auth.passwords import BCRYPT_MAX_BYTES
from core.auth.service import AuthService, LockoutPolicy
from core.auth.tokens import TokenSettings, decode_access_token
from core.errors import (
    AccountLockedError,
    ConflictError,
    InactiveUserError,
    InvalidCredentialsError,
    InvalidTokenError,
    NotFoundError,
    ValidationError,
)
from core.storage import Database
from core.storage.models import AuditEvent, User
from core.storage.repositories import audit, users

TOKENS = TokenSettings(
    secret="x" * 64,
    issuer="skinlab-test",
    audience="skinlab-test-app",
    lifetime=timedelta(minutes=30),
)
EMAIL = "ada@example.org"
PASSWORD = "correct horse battery staple"
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def auth(db: Database) -> AuthService:
    return AuthService(db, TOKENS, LockoutPolicy())


def _register(auth: AuthService, email: str = EMAIL, **fields: Any) -> uuid.UUID:
    values: dict[str, Any] = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "role": "patient",
        "password": PASSWORD,
    }
    values.update(fields)
    return auth.register(email=email, **values)


def _stored(db: Database, email: str = EMAIL) -> User:
    with db.read() as session:
        user = users.get_by_email(session, email)
        assert user is not None
        session.expunge(user)
        return user


def _set_hash(db: Database, hashed: str, email: str = EMAIL) -> None:
    with db.write() as session:
        user = users.get_by_email(session, email)
        assert user is not None
        user.hashed_password = hashed


def _count(db: Database, model: type[Any]) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _actions(db: Database) -> list[str]:
    with db.read() as session:
        return [e.action for e in audit.recent(session)]


def _fail(auth: AuthService, times: int, *, now: datetime, email: str = EMAIL) -> list[Exception]:
    errors: list[Exception] = []
    for _ in range(times):
        with pytest.raises((InvalidCredentialsError, AccountLockedError)) as caught:
            auth.login(email, "wrong password!", now=now)
        errors.append(caught.value)
    return errors


# --- registration ------------------------------------------------------------------------------


def test_register_stores_an_argon2id_hash_and_audits(auth: AuthService, db: Database) -> None:
    user_id = _register(auth, role="clinician")
    user = _stored(db)
    assert user.user_id == user_id and user.role == "clinician"
    assert user.hashed_password is not None and user.hashed_password.startswith("$argon2id$")
    assert PASSWORD not in user.hashed_password
    assert _actions(db) == ["user_created"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"password": ""}, ValidationError),
        ({"role": "superuser"}, ValidationError),
        ({"email": "not-an-email"}, ValidationError),
        ({"email": "ada@@example.org"}, ValidationError),
        ({"first_name": ""}, ValidationError),
    ],
    ids=["empty-password", "unknown-role", "malformed-email", "double-at", "empty-name"],
)
def test_bad_registrations_create_nothing(
    auth: AuthService, db: Database, fields: dict[str, Any], error: type[Exception]
) -> None:
    values = dict(fields)  # the parameter dict is shared by both engines' runs
    email = values.pop("email", EMAIL)
    with pytest.raises(error):
        _register(auth, email, **values)
    assert _count(db, User) == 0
    assert _count(db, AuditEvent) == 0


def test_a_duplicate_email_is_a_conflict_and_changes_nothing(
    auth: AuthService, db: Database
) -> None:
    _register(auth)
    with pytest.raises(ConflictError):
        _register(auth, "ADA@Example.org", first_name="Eve", password="another password")
    assert _count(db, User) == 1
    assert _stored(db).first_name == "Ada"
    assert _actions(db) == ["user_created"]


def test_first_admin_only_once(auth: AuthService) -> None:
    assert auth.needs_first_admin()
    auth.create_first_admin(
        email="root@example.org", first_name="R", last_name="Oot", password=PASSWORD
    )
    assert not auth.needs_first_admin()
    with pytest.raises(ValidationError):
        auth.create_first_admin(
            email="second@example.org", first_name="S", last_name="Econd", password=PASSWORD
        )


# --- sign-in -----------------------------------------------------------------------------------


def test_login_returns_a_token_for_the_user_and_records_it(auth: AuthService, db: Database) -> None:
    user_id = _register(auth, role="clinician")
    signed = auth.login("  Ada@Example.ORG ", PASSWORD, now=datetime.now(UTC))
    assert (signed.user_id, signed.email, signed.role) == (user_id, EMAIL, "clinician")
    assert signed.full_name == "Ada Lovelace"
    claims = decode_access_token(TOKENS, signed.token)
    assert claims.subject == user_id and claims.role == "clinician"
    assert _stored(db).last_login is not None
    assert "login" in _actions(db)


def test_wrong_password_and_unknown_email_give_the_same_message(auth: AuthService) -> None:
    _register(auth)
    with pytest.raises(InvalidCredentialsError) as wrong_password:
        auth.login(EMAIL, "wrong password!")
    with pytest.raises(InvalidCredentialsError) as unknown_email:
        auth.login("nobody@example.org", PASSWORD)
    with pytest.raises(InvalidCredentialsError) as malformed:
        auth.login("nobody", PASSWORD)
    assert wrong_password.value.message == unknown_email.value.message == malformed.value.message


def test_a_legacy_bcrypt_hash_is_accepted_and_replaced_on_login(
    auth: AuthService, db: Database
) -> None:
    _register(auth)
    _set_hash(db, bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode())
    auth.login(EMAIL, PASSWORD)
    upgraded = _stored(db).hashed_password
    assert upgraded is not None and upgraded.startswith("$argon2id$")
    auth.login(EMAIL, PASSWORD)  # and the new hash works


def test_a_failed_login_leaves_a_legacy_hash_alone(auth: AuthService, db: Database) -> None:
    _register(auth)
    legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    _set_hash(db, legacy)
    with pytest.raises(InvalidCredentialsError):
        auth.login(EMAIL, "wrong password!")
    assert _stored(db).hashed_password == legacy


def test_long_passwords_work_in_full(auth: AuthService) -> None:
    prefix = "é" * (BCRYPT_MAX_BYTES // 2)
    password, same_prefix = prefix + "-mine", prefix + "-theirs"
    _register(auth, password=password)
    auth.login(EMAIL, password)
    with pytest.raises(InvalidCredentialsError):
        auth.login(EMAIL, same_prefix)


def test_a_legacy_bcrypt_hash_of_a_long_password_upgrades_to_the_full_password(
    auth: AuthService, db: Database
) -> None:
    prefix = "é" * (BCRYPT_MAX_BYTES // 2)
    password, same_prefix = prefix + "-mine", prefix + "-theirs"
    _register(auth)
    legacy_secret = password.encode()[:BCRYPT_MAX_BYTES]  # what the old bcrypt system hashed
    _set_hash(db, bcrypt.hashpw(legacy_secret, bcrypt.gensalt(rounds=4)).decode())
    auth.login(EMAIL, password)
    assert str(_stored(db).hashed_password).startswith("$argon2id$")
    auth.login(EMAIL, password)
    with pytest.raises(InvalidCredentialsError):
        auth.login(EMAIL, same_prefix)


def test_an_unrecognised_stored_hash_is_a_wrong_password(auth: AuthService, db: Database) -> None:
    """A row imported with a hash scheme SkinLab does not know must fail closed, with the
    ordinary message, and count as a failure - not crash the sign-in."""
    _register(auth)
    _set_hash(db, "not-a-known-hash-format")
    with pytest.raises(InvalidCredentialsError):
        auth.login(EMAIL, "not-a-known-hash-format")
    assert _stored(db).failed_login_count == 1


def test_a_user_without_a_password_cannot_sign_in(auth: AuthService) -> None:
    _register(auth, password=None)
    with pytest.raises(InvalidCredentialsError):
        auth.login(EMAIL, PASSWORD)


def test_an_inactive_user_is_refused(auth: AuthService) -> None:
    _register(auth)
    auth.deactivate(EMAIL)
    with pytest.raises(InactiveUserError):
        auth.login(EMAIL, PASSWORD)
    with pytest.raises(InactiveUserError):
        auth.issue_token(EMAIL)


# --- lock-out ----------------------------------------------------------------------------------


def _assert_lock_message(error: Exception, policy: LockoutPolicy, minutes_left: int) -> None:
    message = str(error)
    assert re.search(rf"\b{policy.threshold} failed", message), message
    assert re.search(rf"\b{minutes_left} minutes\b", message), message


def test_lockout_after_the_threshold_with_a_clear_message(auth: AuthService) -> None:
    _register(auth)
    policy = auth.policy
    errors = _fail(auth, policy.threshold, now=T0)
    assert all(isinstance(e, InvalidCredentialsError) for e in errors[:-1])
    assert isinstance(errors[-1], AccountLockedError)
    _assert_lock_message(errors[-1], policy, int(policy.duration.total_seconds() // 60))


def test_the_right_password_is_refused_while_locked(auth: AuthService) -> None:
    _register(auth)
    _fail(auth, auth.policy.threshold, now=T0)
    later = T0 + auth.policy.duration / 3
    with pytest.raises(AccountLockedError) as caught:
        auth.login(EMAIL, PASSWORD, now=later)
    remaining = auth.policy.duration - (later - T0)
    _assert_lock_message(caught.value, auth.policy, int(remaining.total_seconds() // 60))


def test_login_works_again_once_the_lock_expires(auth: AuthService, db: Database) -> None:
    _register(auth)
    _fail(auth, auth.policy.threshold, now=T0)
    with pytest.raises(AccountLockedError):
        auth.login(EMAIL, PASSWORD, now=T0 + auth.policy.duration - timedelta(seconds=1))
    auth.login(EMAIL, PASSWORD, now=T0 + auth.policy.duration + timedelta(seconds=1))
    user = _stored(db)
    assert user.locked_until is None and user.failed_login_count == 0


def test_an_admin_can_unlock_at_once(auth: AuthService, db: Database) -> None:
    _register(auth)
    admin_id = _register(auth, "admin@example.org", role="admin")
    _fail(auth, auth.policy.threshold, now=T0)
    auth.unlock(EMAIL, actor_id=admin_id)
    auth.login(EMAIL, PASSWORD, now=T0 + timedelta(seconds=1))
    with db.read() as session:
        (event,) = audit.recent(session, action="account_unlocked")
        assert event.actor_id == str(admin_id)


def test_unlocking_an_unknown_account_is_not_found(auth: AuthService) -> None:
    with pytest.raises(NotFoundError):
        auth.unlock("ghost@example.org")


def test_a_successful_login_resets_the_failure_count(auth: AuthService) -> None:
    _register(auth)
    below = auth.policy.threshold - 1
    _fail(auth, below, now=T0)
    auth.login(EMAIL, PASSWORD, now=T0)
    errors = _fail(auth, below, now=T0)
    assert all(isinstance(e, InvalidCredentialsError) for e in errors)
    auth.login(EMAIL, PASSWORD, now=T0)


def test_the_policy_sets_threshold_and_duration(db: Database) -> None:
    policy = LockoutPolicy(threshold=3, duration=timedelta(minutes=2))
    auth = AuthService(db, TOKENS, policy)
    _register(auth)
    errors = _fail(auth, 3, now=T0)
    assert [type(e) for e in errors] == [
        InvalidCredentialsError,
        InvalidCredentialsError,
        AccountLockedError,
    ]
    _assert_lock_message(errors[-1], policy, 2)
    with pytest.raises(AccountLockedError):
        auth.login(EMAIL, PASSWORD, now=T0 + timedelta(minutes=1))
    auth.login(EMAIL, PASSWORD, now=T0 + timedelta(minutes=2, seconds=1))


def test_failures_on_one_account_do_not_lock_another(auth: AuthService) -> None:
    _register(auth)
    _register(auth, "grace@example.org")
    _fail(auth, auth.policy.threshold, now=T0)
    auth.login("grace@example.org", PASSWORD, now=T0)


# --- equal work for known and unknown emails ----------------------------------------------------


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    for name in ("verify", "verify_and_update"):
        original: Callable[..., Any] = getattr(passwords.CONTEXT, name)

        def spy(*args: Any, _original: Callable[..., Any] = original, _name: str = name) -> Any:
            calls.append(_name)
            return _original(*args)

        monkeypatch.setattr(passwords.CONTEXT, name, spy)
    return calls


@pytest.mark.parametrize(
    "case", ["unknown-email", "malformed-email", "wrong-password", "right-password", "locked"]
)
def test_every_sign_in_path_verifies_exactly_one_hash(
    auth: AuthService, verifications: list[str], case: str
) -> None:
    _register(auth)
    if case == "locked":
        _fail(auth, auth.policy.threshold, now=T0)
    verifications.clear()
    email = {"unknown-email": "nobody@example.org", "malformed-email": "nobody"}.get(case, EMAIL)
    password = PASSWORD if case in ("right-password", "locked") else "wrong password!"
    try:
        auth.login(email, password, now=T0 + timedelta(seconds=1))
    except (InvalidCredentialsError, AccountLockedError):
        assert case != "right-password"
    assert len(verifications) == 1, verifications


# --- tokens and the current user ---------------------------------------------------------------


def test_issue_token_carries_the_claims(auth: AuthService) -> None:
    user_id = _register(auth, role="kiosk")
    before = int(datetime.now(UTC).timestamp())
    token = auth.issue_token(EMAIL)
    raw = jwt.decode(token, TOKENS.secret, algorithms=["HS256"], audience=TOKENS.audience)
    assert raw["sub"] == str(user_id) and raw["role"] == "kiosk" and raw["typ"] == "access"
    assert raw["iss"] == TOKENS.issuer and raw["aud"] == TOKENS.audience
    assert before <= raw["iat"] <= before + 5
    assert raw["exp"] - raw["iat"] == int(TOKENS.lifetime.total_seconds())
    assert (
        raw["jti"]
        != jwt.decode(
            auth.issue_token(EMAIL), TOKENS.secret, algorithms=["HS256"], audience=TOKENS.audience
        )["jti"]
    )


def test_issue_token_for_an_unknown_email_is_not_found(auth: AuthService) -> None:
    with pytest.raises(NotFoundError):
        auth.issue_token("ghost@example.org")


def test_get_current_user_returns_the_named_user(auth: AuthService) -> None:
    user_id = _register(auth, role="clinician")
    user = auth.get_current_user(auth.issue_token(EMAIL))
    assert (user.user_id, user.email, user.role, user.is_active) == (
        user_id,
        EMAIL,
        "clinician",
        True,
    )


def test_get_current_user_refuses_a_deleted_user(auth: AuthService, db: Database) -> None:
    _register(auth)
    token = auth.issue_token(EMAIL)
    with db.write() as session:
        user = users.get_by_email(session, EMAIL)
        assert user is not None
        users.erase(session, user)
    with pytest.raises(InvalidTokenError):
        auth.get_current_user(token)


def test_get_current_user_refuses_a_deactivated_user(auth: AuthService) -> None:
    _register(auth)
    token = auth.issue_token(EMAIL)
    auth.deactivate(EMAIL)
    with pytest.raises(InactiveUserError):
        auth.get_current_user(token)


def test_get_current_user_refuses_a_token_from_another_secret(
    auth: AuthService, db: Database
) -> None:
    _register(auth)
    other = AuthService(
        db,
        TokenSettings("y" * 64, TOKENS.issuer, TOKENS.audience, TOKENS.lifetime),
        LockoutPolicy(),
    )
    with pytest.raises(InvalidTokenError):
        auth.get_current_user(other.issue_token(EMAIL))


def test_role_changes_are_validated_and_audited(auth: AuthService, db: Database) -> None:
    _register(auth)
    with pytest.raises(ValidationError):
        auth.set_role(EMAIL, "overlord")
    assert _stored(db).role == "patient"
    auth.set_role(EMAIL, "clinician")
    assert _stored(db).role == "clinician"
    with db.read() as session:
        (event,) = audit.recent(session, action="role_changed")
        assert event.details == {"from": "patient", "to": "clinician"}


def test_set_password_replaces_the_old_one(auth: AuthService) -> None:
    _register(auth)
    auth.set_password(EMAIL, "a brand new password")
    with pytest.raises(InvalidCredentialsError):
        auth.login(EMAIL, PASSWORD)
    auth.login(EMAIL, "a brand new password")
    with pytest.raises(ValidationError):
        auth.set_password(EMAIL, "")


def test_parallel_wrong_guesses_all_count_towards_the_lockout(auth: AuthService) -> None:
    """An attacker sending guesses in parallel must not get more than the threshold: each failed
    attempt has to be counted even when attempts overlap (no lost update of the counter)."""
    _register(auth)
    attempts = auth.policy.threshold * 2
    start = threading.Barrier(attempts)
    outcomes: list[BaseException] = []

    def guess() -> None:
        start.wait()
        try:
            auth.login(EMAIL, "wrong password!", now=T0)
        except BaseException as exc:
            outcomes.append(exc)

    workers = [threading.Thread(target=guess) for _ in range(attempts)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert len(outcomes) == attempts
    assert all(isinstance(e, InvalidCredentialsError | AccountLockedError) for e in outcomes)
    assert any(isinstance(e, AccountLockedError) for e in outcomes)
    with pytest.raises(AccountLockedError):
        auth.login(EMAIL, PASSWORD, now=T0 + timedelta(seconds=1))
