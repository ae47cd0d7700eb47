"""The application shell: health, the protocol header, error bodies everywhere, structured logs,
the OpenAPI document, housekeeping and migrations."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.errors import SchemaTooNewError
from server.app import create_app
from server.db import VERSION_TABLE, head_revision, make_engine, migrate
from server.housekeeping import sweep
from server.models import Base, Blob, IdempotencyKey, UsedJti
from tests.helpers.server import change, new_id

pytestmark = pytest.mark.postgres


def test_health_needs_no_token_and_no_protocol_header(server):
    response = httpx.get(f"{server.url}/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "protocol": 1}


@pytest.mark.parametrize("sent", [None, "2", "0", "one"])
def test_another_protocol_version_gets_409_naming_both(device, sent):
    headers = {"Authorization": f"Bearer {device.token()}"}
    if sent is not None:
        headers["X-SkinLab-Protocol"] = sent
    response = device.http.get("/v1/pull", headers=headers)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "protocol_mismatch"
    assert "protocol 1" in error["message"] and (sent is None or repr(sent) in error["message"])


def test_unknown_paths_and_methods_have_error_bodies(device, server):
    missing = httpx.get(f"{server.url}/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = device.request("DELETE", "/v1/pull")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def _access(caplog) -> list[dict]:
    return [r.fields for r in caplog.records if r.name == "skinlab.server.access"]


def test_one_structured_access_line_per_request(device, caplog):
    with caplog.at_level(logging.INFO, logger="skinlab.server.access"):
        device.push_ok(change("users", new_id(), {"email": "log@a.org"}))
        device.http.get("/v1/pull", headers={"X-SkinLab-Protocol": "1"})
        # The line is written once the answer has gone out: give the server a moment.
        deadline = time.monotonic() + 5
        while len(_access(caplog)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    lines = _access(caplog)
    push = next(line for line in lines if line["path"] == "/v1/push")
    assert push["method"] == "POST" and push["status"] == 200 and push["device"] == device.device_id
    assert isinstance(push["ms"], float)
    refused = next(line for line in lines if line["path"] == "/v1/pull")
    assert refused["status"] == 401 and refused["device"] is None


def test_the_docs_are_off_unless_configured(server):
    for path in ("/docs", "/openapi.json", "/redoc"):
        response = httpx.get(f"{server.url}{path}")
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


def test_the_openapi_document(custom_server):
    with custom_server(expose_docs=True) as docs:
        assert httpx.get(f"{docs.url}/docs").status_code == 200
        document = httpx.get(f"{docs.url}/openapi.json").json()
    assert {"/v1/health", "/v1/enroll", "/v1/push", "/v1/pull", "/v1/blobs/{sha256}"} <= set(
        document["paths"]
    )
    push = document["paths"]["/v1/push"]["post"]
    assert {"400", "401", "403", "409", "413", "422"} <= set(push["responses"])
    assert push["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorBody"
    )
    assert {"head", "post", "patch", "get"} <= set(document["paths"]["/v1/blobs/{sha256}"])


def test_an_unexpected_failure_is_a_500_with_an_error_body(server, custom_server, caplog):
    app = create_app(server.settings)

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("bug")

    with custom_server(app) as broken:
        response = httpx.get(f"{broken.url}/v1/boom", headers={"X-SkinLab-Protocol": "1"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "bug" not in response.text  # no internals leak


def test_housekeeping_forgets_what_is_no_longer_needed(server, device):
    engine = make_engine(server.database_url, pool_size=1)
    sessions = sessionmaker(engine)
    device_id = uuid.UUID(device.device_id)
    old = datetime.now(UTC) - timedelta(days=8)
    partial = server.settings.blob_dir / "abandoned.part"
    partial.write_bytes(b"half")
    with sessions.begin() as session:
        session.add(UsedJti(device_id=device_id, jti="expired-jti", expires_at=old))
        session.add(
            UsedJti(
                device_id=device_id,
                jti="live-jti",
                expires_at=datetime.now(UTC) + timedelta(minutes=5),
            )
        )
        session.add(
            IdempotencyKey(
                device_id=device_id,
                key="old",
                request_hash="0" * 64,
                status=200,
                response={},
                created_at=old,
            )
        )
        session.add(
            Blob(
                clinic_id=uuid.UUID(device.clinic_id),
                sha256=hashlib.sha256(b"x").hexdigest(),
                length=9,
                upload_offset=4,
                complete=False,
                path="abandoned.part",
                created_at=old,
            )
        )
    assert sweep(sessions, server.settings.blob_dir) >= 3
    with Session(engine) as session:
        jtis = set(session.scalars(select(UsedJti.jti).where(UsedJti.device_id == device_id)))
        assert "expired-jti" not in jtis and "live-jti" in jtis
        assert (
            session.scalar(
                select(func.count()).select_from(IdempotencyKey).where(IdempotencyKey.key == "old")
            )
            == 0
        )
    assert not partial.exists()
    engine.dispose()


def test_migrations_match_the_models_and_run_once(postgres_url):
    engine = make_engine(postgres_url, pool_size=1)
    assert migrate(engine) == migrate(engine) == head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert VERSION_TABLE in inspect(conn).get_table_names()
        assert "alembic_version" not in inspect(conn).get_table_names()  # core's stays its own
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    with pytest.raises(SchemaTooNewError):
        migrate(engine)
    engine.dispose()


def test_the_server_keeps_its_id_across_restarts(server, custom_server, device):
    with custom_server() as second:
        assert device.on(second).pull().status_code == 200  # same audience, same database
    engine = create_engine(server.database_url)
    with engine.connect() as conn:
        assert str(conn.scalar(text("SELECT server_id FROM server_identity"))) == device.server_id
    engine.dispose()
