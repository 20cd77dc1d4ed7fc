"""A ledger upload is authorised before a byte of it is read, and bounded by the bytes actually received."""
from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ledger_files import csv_bytes, ledger_rows
from registry_helpers import COMMUNITY, DISTRICT, OTHER_COMMUNITY

CHUNK = 64 << 10
BOUNDARY = "linli-test-boundary"


class Sender:
    """A chunked body (no Content-Length) that counts how much of it the server pulled."""

    def __init__(self, total: int, multipart: bool) -> None:
        self.total, self.multipart, self.sent = total, multipart, 0

    async def body(self) -> AsyncIterator[bytes]:
        if self.multipart:
            yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"台账.csv\"\r\n"
                   "Content-Type: text/csv\r\n\r\n").encode()
        yield csv_bytes(ledger_rows()[:1])
        for _ in range(self.total // CHUNK):
            self.sent += CHUNK
            yield b"\n" * CHUNK  # blank lines: a valid ledger, only too long
        if self.multipart:
            yield f"\r\n--{BOUNDARY}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={BOUNDARY}" if self.multipart else "text/csv"


@pytest.fixture
def upload_dir(tmp_path, monkeypatch) -> Path:
    """Where the registry (and the multipart parser) would put anything it writes for an upload."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("multipart", [True, False], ids=["multipart", "raw"])
@pytest.mark.parametrize(("roles", "scope", "code"), [
    (["worker"], [OTHER_COMMUNITY], "auth.scope"),
    (["officer"], [DISTRICT], "auth.role"),
])
async def test_a_caller_who_may_not_import_is_403_before_a_byte_is_read_and_nothing_is_written(
        client_for, make_token, admin, upload_dir, roles, scope, code, multipart):
    caller = client_for(make_token(roles=roles, scope=scope))
    sender = Sender(4 << 20, multipart)
    response = await caller.post(f"/v1/communities/{COMMUNITY}/imports", content=sender.body(),
                                 headers={"content-type": sender.content_type})
    assert (response.status_code, response.json()["code"]) == (403, code)
    assert sender.sent == 0
    assert list(upload_dir.iterdir()) == []


@pytest.mark.parametrize("multipart", [True, False], ids=["multipart", "raw"])
async def test_a_chunked_upload_past_the_limit_is_413_mid_stream_and_leaves_no_partial_file(
        app, admin, upload_dir, multipart):
    limit = app.state.import_max_bytes = 256 << 10  # LINLI_REGISTRY_IMPORT_MAX_BYTES, made small
    sender = Sender(16 << 20, multipart)
    response = await admin.post(f"/v1/communities/{COMMUNITY}/imports", content=sender.body(),
                                headers={"content-type": sender.content_type})
    assert "content-length" not in response.request.headers
    assert (response.status_code, response.json()["code"]) == (413, "import.file.too_large")
    assert sender.sent <= limit + 2 * CHUNK  # stopped at the limit, not after the whole 16 MiB
    assert list(upload_dir.iterdir()) == []
    assert await app.state.registry.db["imports"].count_documents({}) == 0


async def test_an_upload_under_the_limit_but_over_a_json_body_is_accepted(admin, app):
    """The ledger route's own allowance, not the 1 MiB every JSON body gets."""
    content = csv_bytes(ledger_rows()[:1]) + b"\n" * (2 << 20)  # blank lines past 1 MiB: read and skipped
    response = await admin.post(f"/v1/communities/{COMMUNITY}/imports", files={"file": ("台账.csv", content)})
    assert response.status_code == 202, response.text
