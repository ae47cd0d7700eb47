"""``GET /v1/pull``: the clinic's merged rows after a cursor, in ``server_seq`` order.

A cursor is the last ``server_seq`` the device has seen. Pushes of one clinic are serialised, so
sequence numbers become visible in order and a page never skips a row that commits later.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.sync.protocol import MAX_PULL_LIMIT, PulledChange, PullResponse
from server.auth import AuthedDevice
from server.deps import DeviceDep, StateDep
from server.errors import ApiError, error_responses
from server.models import Record

DEFAULT_LIMIT = 500
MAX_CURSOR = 2**63 - 1

router = APIRouter(tags=["sync"])


def _change(record: Record) -> PulledChange:
    return PulledChange(
        entity=record.entity,
        entity_id=record.entity_id,
        op="delete" if record.deleted else "upsert",
        fields=record.fields,
        clocks=record.clocks,
        hlc=record.hlc,
        server_seq=record.server_seq,
        deleted=record.deleted,
    )


def pull(session: Session, device: AuthedDevice, *, cursor: int, limit: int) -> PullResponse:
    with session.begin():
        newest = session.scalar(
            select(func.coalesce(func.max(Record.server_seq), 0)).where(
                Record.clinic_id == device.clinic_id
            )
        )
        if cursor > (newest or 0):
            raise ApiError(
                400,
                "cursor_from_future",
                f"The cursor {cursor} is ahead of this server's newest change ({newest}); the "
                "server was restored from a backup. Pull again from cursor 0.",
            )
        records = list(
            session.scalars(
                select(Record)
                .where(Record.clinic_id == device.clinic_id, Record.server_seq > cursor)
                .order_by(Record.server_seq)
                .limit(limit + 1)
            )
        )
    page = records[:limit]
    return PullResponse(
        changes=[_change(record) for record in page],
        next_cursor=str(page[-1].server_seq if page else cursor),
        has_more=len(records) > limit,
    )


@router.get(
    "/v1/pull",
    response_model=PullResponse,
    responses=error_responses(400, 401, 409, 422),
    summary="The clinic's changes after a cursor, oldest first",
)
def pull_route(
    device: DeviceDep,
    state: StateDep,
    cursor: Annotated[
        str, Query(pattern=r"^[0-9]{1,19}$", description="opaque; '0' at first")
    ] = "0",
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_LIMIT,
) -> PullResponse:
    position = int(cursor)
    if position > MAX_CURSOR:
        raise ApiError(400, "cursor_from_future", "The cursor is beyond any possible change")
    with state.sessions() as session:
        return pull(session, device, cursor=position, limit=limit)
