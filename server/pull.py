"""``GET /v1/pull``: the clinic's merged rows after a cursor, in ``server_seq`` order.

A cursor is the last ``server_seq`` the device has seen. Pushes of one clinic are serialised, so
sequence numbers become visible in order and a page never skips a row that commits later.

What a device receives depends on its role (least data, docs/sync.md): workstations and admin
devices get the clinic's records; a kiosk gets patients' accounts (to sign them in) and their
analyses without photo or consent references, the rows it created itself, and every deletion
(so an erasure reaches it) -- never a staff account, a note, another device's consent, photo
or audit event.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.sync.protocol import MAX_PULL_LIMIT, PulledChange, PullResponse
from server.auth import AuthedDevice
from server.deps import DeviceDep, StateDep
from server.errors import ApiError, error_responses
from server.models import Record

DEFAULT_LIMIT = 500
MAX_CURSOR = 2**63 - 1

router = APIRouter(tags=["sync"])


# Columns a kiosk never receives on rows other devices created: it does not get their photos or
# their consents, so a reference to them would name something it cannot hold.
KIOSK_WITHHELD = {
    "skin_analysis_results": frozenset({"image_sha256", "thumbnail_sha256", "consent_id"})
}


def _for_kiosk(record: Record, device: AuthedDevice) -> tuple[dict[str, Any], dict[str, str]]:
    fields, clocks = record.fields, record.clocks
    if record.entity == "users" and not record.deleted and fields.get("role") != "patient":
        # A patient this kiosk registered became staff: only what erases the password hash it
        # still holds travels (stamped with the row's newest clock, so it wins the merge).
        return (
            {"hashed_password": None, "role": fields.get("role")},
            {"hashed_password": record.hlc, "role": clocks.get("role", record.hlc)},
        )
    withheld = KIOSK_WITHHELD.get(record.entity, frozenset())
    if withheld and record.created_device_id != device.device_id:
        fields = {k: v for k, v in fields.items() if k not in withheld}
        clocks = {k: v for k, v in clocks.items() if k not in withheld}
    return fields, clocks


def _change(record: Record, device: AuthedDevice) -> PulledChange:
    fields, clocks = record.fields, record.clocks
    if device.role == "kiosk":
        fields, clocks = _for_kiosk(record, device)
    return PulledChange(
        entity=record.entity,
        entity_id=record.entity_id,
        op="delete" if record.deleted else "upsert",
        fields=fields,
        clocks=clocks,
        hlc=record.hlc,
        server_seq=record.server_seq,
        deleted=record.deleted,
    )


def kiosk_sees(device: AuthedDevice) -> ColumnElement[bool]:
    """The rows a kiosk receives (see the module docstring)."""
    patient = aliased(Record)
    is_patient = Record.fields["role"].astext == "patient"
    analysis_of_patient = exists().where(
        patient.clinic_id == Record.clinic_id,
        patient.entity == "users",
        patient.entity_id == Record.subject_id,
        patient.deleted.is_(False),
        patient.fields["role"].astext == "patient",
    )
    return or_(
        Record.deleted.is_(True),
        Record.created_device_id == device.device_id,
        and_(Record.entity == "users", is_patient),
        and_(Record.entity == "skin_analysis_results", analysis_of_patient),
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
        query = select(Record).where(
            Record.clinic_id == device.clinic_id, Record.server_seq > cursor
        )
        if device.role == "kiosk":
            query = query.where(kiosk_sees(device))
        records = list(session.scalars(query.order_by(Record.server_seq).limit(limit + 1)))
    page = records[:limit]
    has_more = len(records) > limit
    last = page[-1].server_seq if page else cursor
    # A last page covers everything up to the newest change, also rows this device does not get.
    done = last if has_more else max(last, newest or 0)
    return PullResponse(
        changes=[_change(record, device) for record in page],
        next_cursor=str(done),
        has_more=has_more,
        device_role=device.role,
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
