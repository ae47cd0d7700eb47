"""``GET /v1/health``: no authentication, for load balancers and monitoring."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.sync.protocol import PROTOCOL_VERSION
from server.deps import StateDep
from server.errors import ApiError, error_responses

router = APIRouter(tags=["status"])


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]
    protocol: int


@router.get(
    "/v1/health",
    response_model=Health,
    responses=error_responses(503),
    summary="Liveness and database reachability",
)
def health(state: StateDep) -> Health:
    try:
        with state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise ApiError(503, "database_unavailable", "The server cannot reach its database") from exc
    return Health(status="ok", database="ok", protocol=PROTOCOL_VERSION)
