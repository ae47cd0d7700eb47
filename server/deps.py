"""What a route needs, as ``Annotated`` dependencies: the app's state and the calling device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from server.auth import AuthedDevice, unauthorized, verify_token
from server.config import ServerSettings
from server.ratelimit import RequestLimits

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="DeviceToken",
    description="An EdDSA JWT signed by the device's enrolled key (docs/sync-protocol.md)",
)


@dataclass
class ServerState:
    """Built once at start-up; routes read it, nothing writes it afterwards."""

    settings: ServerSettings
    engine: Engine
    sessions: sessionmaker[Session]
    server_id: str
    limits: RequestLimits
    grant_secret: str


def get_state(request: Request) -> ServerState:
    state = request.app.state.skinlab
    assert isinstance(state, ServerState)
    return state


StateDep = Annotated[ServerState, Depends(get_state)]


def current_device(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> AuthedDevice:
    if credentials is None:
        raise unauthorized("missing_token", "Send Authorization: Bearer <device token>")
    device = verify_token(
        state.sessions,
        credentials.credentials,
        audience=state.server_id,
        skew_s=state.settings.clock_skew_s,
    )
    request.state.device_id = str(device.device_id)
    state.limits.check_device(str(device.device_id))
    return device


DeviceDep = Annotated[AuthedDevice, Depends(current_device)]
