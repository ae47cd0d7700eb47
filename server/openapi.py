"""The published OpenAPI document, made as precise as the validators behind it.

The protocol models check ids, clocks and column names in Python validators, which pydantic cannot
express in JSON Schema; the patterns are added here so that clients and fuzzers see the real rules.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from core.sync.protocol import GrantRequest, PushRequest

ENTITY_ID = (
    r"^(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
    r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})$"
)
HLC = r"^[0-9]{13}-[0-9]{6}-[0-9a-f]{1,32}$"
COLUMN = r"^[a-z_][a-z0-9_]{0,63}$"
UUID = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"


def _tighten_change(schema: dict[str, Any]) -> None:
    properties = schema.get("properties", {})
    if "entity_id" in properties:
        properties["entity_id"]["pattern"] = ENTITY_ID
    if "hlc" in properties:
        properties["hlc"]["pattern"] = HLC
    if "clocks" in properties:
        properties["clocks"]["propertyNames"] = {"pattern": COLUMN}
        properties["clocks"]["additionalProperties"] = {"type": "string", "pattern": HLC}
    if "fields" in properties:
        properties["fields"]["propertyNames"] = {"pattern": COLUMN}


def _require_idempotency_key(document: dict[str, Any]) -> None:
    operation = document["paths"]["/v1/push"]["post"]
    for parameter in operation.get("parameters", []):
        if parameter["name"] == "Idempotency-Key":
            parameter["required"] = True
            parameter["schema"] = {"type": "string", "pattern": UUID}


def _add_bodies(document: dict[str, Any]) -> None:
    """The push and grant bodies are parsed after authentication, not by FastAPI: publish their
    schemas here."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (PushRequest, GrantRequest):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                routes=app.routes,
            )
            _add_bodies(document)
            schemas = document.get("components", {}).get("schemas", {})
            for name in ("Change", "PulledChange"):
                if name in schemas:
                    _tighten_change(schemas[name])
            _require_idempotency_key(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
