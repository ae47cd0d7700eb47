"""Emails are unique regardless of case in the database itself, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.errors import ConflictError
from core.storage.models import User


def test_a_mixed_case_duplicate_is_refused_by_the_database(db):
    with db.write() as session:
        session.add(User(email="ada@clinic.org", first_name="Ada", last_name="L"))
    # Bypass the repository's normalisation, as a row arriving by another path would.
    with pytest.raises(ConflictError), db.write() as session:
        session.add(User(email="Ada@Clinic.org", first_name="Other", last_name="Person"))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
