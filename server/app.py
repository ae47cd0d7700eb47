"""``create_app(settings)``: the sync server as one FastAPI application.

Start-up migrates the database (under a lock, so several workers can start together), reads the
server id and starts housekeeping; every request passes :class:`RequestGuard` first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

from fastapi import Depends, FastAPI, Header
from starlette.concurrency import run_in_threadpool

from core.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from server import blobs, enrollment, grants, health, housekeeping, pull, push
from server.config import ServerSettings, safe_url
from server.db import grant_secret, make_engine, make_sessionmaker, migrate, server_id
from server.deps import ServerState
from server.errors import error_responses, install_error_handlers
from server.middleware import RequestGuard
from server.openapi import install_openapi
from server.ratelimit import RequestLimits

log = logging.getLogger(__name__)


def _version() -> str:
    try:
        return version("skinlab")
    except PackageNotFoundError:
        return "0"


def protocol_header(
    value: Annotated[
        str,
        Header(
            alias=PROTOCOL_HEADER,
            pattern=f"^{PROTOCOL_VERSION}$",
            description="the sync protocol version the device speaks",
        ),
    ],
) -> None:
    """Documents the header in OpenAPI; :class:`RequestGuard` has already enforced it."""


def create_app(settings: ServerSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, pool_size=settings.pool_size)
        # The rate limits' own connections: a check never waits behind routes holding the pool's.
        # A check holds one for about a millisecond, so a few are plenty.
        limits_engine = make_engine(settings.database_url, pool_size=2)
        sweeper: asyncio.Task[None] | None = None
        try:
            if settings.migrate_on_start:
                await run_in_threadpool(migrate, engine)
            identity = await run_in_threadpool(server_id, engine)
            secret = await run_in_threadpool(grant_secret, engine)
            settings.blob_dir.mkdir(parents=True, exist_ok=True)
            sessions = make_sessionmaker(engine)
            limits = RequestLimits(settings, limits_engine)
            app.state.skinlab = ServerState(settings, engine, sessions, identity, limits, secret)
            sweeper = asyncio.create_task(housekeeping.run_forever(sessions, settings))
            log.info("sync server %s ready on %s", identity, safe_url(settings.database_url))
            yield
        finally:
            if sweeper is not None:
                sweeper.cancel()
                with suppress(asyncio.CancelledError):
                    await sweeper
            engine.dispose()
            limits_engine.dispose()

    app = FastAPI(
        title="SkinLab sync server",
        version=_version(),
        summary=f"Sync protocol {PROTOCOL_VERSION} (docs/sync-protocol.md)",
        lifespan=lifespan,
        redoc_url=None,
        # The interactive docs and the schema only where the operator asked for them.
        docs_url="/docs" if settings.expose_docs else None,
        openapi_url="/openapi.json" if settings.expose_docs else None,
    )
    install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(RequestGuard, settings=settings)
    app.include_router(health.router)
    for module in (enrollment, push, pull, blobs, grants):
        app.include_router(
            module.router,
            dependencies=[Depends(protocol_header)],
            responses=error_responses(400, 409, 413, 429),
        )
    return app
