"""The device refuses to send patient data over plain HTTP to anything but this machine, and waits
as told when the server's rate limit answers 429."""

from __future__ import annotations

import pytest

from app.context import AppContext
from core.sync.errors import InsecureServerError
from core.sync.transport import check_server_url


@pytest.mark.parametrize(
    "url",
    [
        "https://sync.clinic.org",
        "https://10.0.0.5:8765/",
        "http://127.0.0.1:8765",
        "http://127.8.9.10",
        "http://localhost:9000",
        "http://[::1]:8765",
    ],
)
def test_https_anywhere_and_http_on_loopback_are_accepted(url):
    assert check_server_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://sync.clinic.org",
        "http://10.0.0.5:8765",
        "http://192.168.1.20",
        "http://localhost.evil.org",
        "http://127.0.0.1.nip.io",
        "ftp://sync.clinic.org",
        "sync.clinic.org",
        "https://",
    ],
)
def test_anything_else_is_refused_with_a_typed_error(url):
    with pytest.raises(InsecureServerError) as raised:
        check_server_url(url)
    assert raised.value.code == "insecure_server_url"


def test_enrolling_with_a_plain_http_server_is_refused_before_any_request(tmp_path):
    ctx = AppContext.from_args(tmp_path / "data")
    try:
        with pytest.raises(InsecureServerError, match="https://"):
            ctx.sync.enroll("http://sync.clinic.org:8765", "7K3Q-MZ9A-T2PB-X4HD", device_name="k")
        assert not ctx.sync.status().enrolled
    finally:
        ctx.close()
