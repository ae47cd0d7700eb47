"""The server's engine when PostgreSQL's client library is missing: the built device app leaves
psycopg's own libpq out, so there the server commands need the system's, and must say so."""

from __future__ import annotations

import sys

import pytest

from core.errors import PostgresClientMissingError
from server.db import make_engine, opened

URL = "postgresql://skinlab:secret@127.0.0.1:1/skinlab"


def test_no_libpq_is_a_typed_error_that_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as psycopg fails with no pq wrapper
    with pytest.raises(PostgresClientMissingError) as caught:
        make_engine(URL)
    assert caught.value.code == "postgres_client_missing"
    assert "libpq5" in caught.value.message and "secret" not in caught.value.message
    with pytest.raises(PostgresClientMissingError), opened(URL):
        pass


def test_with_the_driver_the_engine_is_made_without_connecting() -> None:
    engine = make_engine(URL, pool_size=1)
    try:
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()
