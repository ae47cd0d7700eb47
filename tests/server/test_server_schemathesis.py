"""schemathesis over the published OpenAPI document: generated requests (valid and invalid) never
get a 5xx, and every answer matches the document (status, content type, headers, body schema)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.sync.protocol import PROTOCOL_HEADER
from tests.helpers.server import Device, ServerHandle, enroll_device, hlc, new_id
from tests.helpers.server_fixtures import running_server

pytestmark = pytest.mark.postgres
# Image bytes travel as tus's offset+octet-stream: plain bytes, like application/octet-stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


OPERATIONS = [
    ("GET", "/v1/health"),
    ("POST", "/v1/enroll"),
    ("POST", "/v1/push"),
    ("GET", "/v1/pull"),
    ("HEAD", "/v1/blobs/{sha256}"),
    ("POST", "/v1/blobs/{sha256}"),
    ("PATCH", "/v1/blobs/{sha256}"),
    ("GET", "/v1/blobs/{sha256}"),
    ("POST", "/v1/grants"),
]


# Health has no inputs, so nothing invalid can be generated for it.
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode}")
    for method, path in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (path == "/v1/health" and mode is GenerationMode.NEGATIVE)
]


@pytest.fixture(scope="module")
def docs_server(server, tmp_path_factory) -> Iterator[ServerHandle]:
    """The session's server with its document published and no practical rate limit (the fuzzer
    sends hundreds of requests from one device; the limit has its own tests)."""
    settings = replace(
        server.settings,
        blob_dir=tmp_path_factory.mktemp("fuzz-blobs"),
        expose_docs=True,
        rate_per_s=1e6,
        rate_burst=10**6,
        grant_per_minute=10**6,
        grant_account_per_minute=10**6,
    )
    with running_server(settings) as url:
        yield ServerHandle(url=url, database_url=settings.database_url, settings=settings)


@pytest.fixture(scope="module")
def api_schema(docs_server):
    return schemathesis.openapi.from_url(f"{docs_server.url}/openapi.json")


@pytest.fixture(scope="module")
def fuzz_device(docs_server) -> Device:
    return enroll_device(docs_server, f"Fuzz {new_id()[:8]}")


def steer(case, device: Device) -> None:
    """Point valid requests at the deep paths: random clocks are mostly years ahead (409) and a
    random image has no upload to append to (404)."""
    if case.path == "/v1/push" and isinstance(case.body, dict):
        case.headers["Idempotency-Key"] = new_id()
        for change in case.body.get("changes", []):
            # Ids of the entity's shape, every field with a current clock: mergeable changes.
            is_image = change["entity"] == "images"
            if is_image != (len(change["entity_id"]) == 64):
                change["entity_id"] = (
                    hashlib.sha256(change["entity_id"].encode()).hexdigest()
                    if is_image
                    else new_id()
                )
            change["hlc"] = hlc(node=change["hlc"].rsplit("-", 1)[-1])
            change["clocks"] = dict.fromkeys(change.get("fields", {}), change["hlc"])
    if case.path == "/v1/blobs/{sha256}" and case.method == "PATCH":
        body = getattr(case.body, "data", case.body)
        body = body if isinstance(body, bytes) else b""
        if len(body) % 2:  # half the uploads are whole and correct, half fail their hash
            case.path_parameters["sha256"] = hashlib.sha256(body).hexdigest()
        case.headers["Upload-Offset"] = "0"
        device.request(
            "POST",
            f"/v1/blobs/{case.path_parameters['sha256']}",
            headers={"Upload-Length": str(len(body))},
        )


def fuzz(
    api_schema,
    fuzz_device: Device,
    method: str,
    path: str,
    mode: GenerationMode,
    *,
    examples: int,
    derandomize: bool = False,
) -> Counter[int]:
    """Run the checks on generated requests; returns how often each status came back."""
    operation = api_schema[path][method]
    statuses: Counter[int] = Counter()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        # The generated headers win over call(headers=...), so overrides go into the case.
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {fuzz_device.token()}"}
        if path != "/v1/health":
            case.headers[PROTOCOL_HEADER] = "1"  # a wrong version is tested elsewhere
        if mode is GenerationMode.POSITIVE:
            steer(case, fuzz_device)
        response = case.call()
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    check()
    return statuses


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_the_api_keeps_its_document(api_schema, fuzz_device, method, path, mode):
    statuses = fuzz(api_schema, fuzz_device, method, path, mode, examples=25, derandomize=True)
    if mode is GenerationMode.POSITIVE and (method, path) in {
        ("POST", "/v1/push"),
        ("PATCH", "/v1/blobs/{sha256}"),
    }:
        assert any(200 <= status < 300 for status in statuses), (
            statuses
        )  # the deep path was reached


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_the_api_keeps_its_document_at_length(api_schema, fuzz_device, method, path, mode):
    fuzz(api_schema, fuzz_device, method, path, mode, examples=500)
