"""Token expiry: Liferay answers an expired token with empty 200 pages, never a 401.

Against the sandbox with a short token lifetime (whole exports), and at the edge with
``responses`` (renewal before ``expires_in``, an empty page after expiry, the probe, Basic
credentials that cannot expire, a refused client).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from tests.extractors.platform_truth import default_site_memberships, site_ids
from tests.extractors.test_partnership_export import export, ids, settings_for, staged
from transfer.config import HttpSettings, SourceSettings
from transfer.errors import ConfigError, ExtractionError
from transfer.extractors.http import HttpClient
from transfer.extractors.partnership.api import ADMIN, MAX_RENEWALS, AccessRefused, Api, ApiError
from transfer.extractors.partnership.auth import Authenticator, Credentials
from transfer.redaction import Secret
from transfer.sandbox import Faults, SandboxSettings, serve_sandbox

BASE = "https://platform.test"
TOKEN = f"{BASE}/o/oauth2/token"
LIST = f"{ADMIN}/user-accounts"
PROBE = f"{BASE}{ADMIN}/my-user-account"


@pytest.mark.parametrize(
    ("lifetime", "latency_ms", "renewals"),
    [
        # expires_in rounds to 0: only the stale answers tell (whichever comes first)
        (0.4, 15, {"empty page", "not found", "sign-in page instead of a file"}),
        # expires_in 1: renewed at 0.9 s, before it runs out. The latency keeps the export
        # going past that point on a fast machine (at 20 ms it was over in 0.8 s).
        (1.2, 60, {"expires_in"}),
    ],
)
def test_export_completes_although_tokens_expire(
    tmp_path: Path, lifetime: float, latency_ms: float, renewals: set[str]
) -> None:
    sandbox = SandboxSettings(
        scale=0.02, token_lifetime_s=lifetime, faults=Faults(latency_ms=latency_ms)
    )
    with serve_sandbox(sandbox) as box:
        settings = settings_for(tmp_path, box)
        result, _ = export(settings, page_size=20, public_pages=False)
        truth = box.truth()["platform"]
    records = staged(settings)
    for collection, kind in (
        ("organizations", "organization"),
        ("members", "member"),
        ("workspaces", "workspace"),
        ("sections", "section"),
        ("threads", "thread"),
        ("posts", "post"),
        ("folders", "folder"),
        ("files", "file"),
    ):
        expected = {str(i["id"]) for i in truth[collection]}
        if kind == "workspace":  # the export stages every site; the mappings exclude some
            expected = site_ids(truth)
        assert ids(records, kind) == expected, collection
    assert len([r for r in records.values() if r.kind == "membership"]) == len(
        truth["memberships"]
    ) + len(truth["memberships_of_missing_workspaces"]) + len(default_site_memberships(truth))
    downloaded = {r.body_blob for r in records.values() if r.kind == "file" and r.body_blob}
    assert downloaded == {f["sha256"] for f in truth["files"] if f["sha256"]}
    assert result.failed_files == []
    assert {f["url"] for f in result.source_defects if f["status"] == "unavailable"} == {
        f"file:{i}" for i in truth["missing_files"]
    }
    assert not result.failed_collections
    assert renewals & set(result.token_renewals), result.token_renewals


def client() -> HttpClient:
    http = HttpSettings(timeout_s=5.0, concurrency=2, max_attempts=2, user_agent="test")
    return HttpClient(http, sleep=lambda s: None, backoff_initial_s=0.0, backoff_max_s=0.0)


def oauth(clock: list[float] | None = None) -> Authenticator:
    credentials = Credentials("oauth2", "client-id-x", "client-secret-x")
    ticks = clock if clock is not None else [0.0]
    return Authenticator(credentials, client(), BASE, clock=lambda: ticks[0])


def token(value: str, expires_in: int = 600) -> responses.Response:
    return responses.Response(
        "POST",
        TOKEN,
        json={"access_token": value, "expires_in": expires_in, "token_type": "Bearer"},
    )


def page(items: list[dict[str, object]], number: int, total: int, size: int = 2) -> str:
    return json.dumps(
        {
            "items": items,
            "page": number,
            "pageSize": size,
            "totalCount": total,
            "lastPage": max(1, -(-total // size)),
        }
    )


def bearer(call: responses.Call) -> str:
    return str(call.request.headers.get("Authorization", ""))


@responses.activate
def test_token_is_renewed_before_expires_in_runs_out() -> None:
    responses.add(token("first-token", expires_in=100))
    responses.add(token("second-token", expires_in=100))
    clock = [0.0]
    auth = oauth(clock)
    assert auth.header() == {"Authorization": "Bearer first-token"}
    clock[0] = 89.0
    assert auth.header() == {"Authorization": "Bearer first-token"}
    clock[0] = 91.0  # 10% of the lifetime left: renewed before it runs out
    assert auth.header() == {"Authorization": "Bearer second-token"}
    assert len(responses.calls) == 2
    assert auth.renewals == {"first": 1, "expires_in": 1}


@responses.activate
def test_empty_page_after_expiry_is_asked_again_with_a_new_token() -> None:
    responses.add(token("old-token"))
    responses.add(token("new-token"))
    url = f"{BASE}{LIST}"
    responses.get(url, body=page([{"id": 1}, {"id": 2}], 1, 3))
    responses.get(url, body=page([], 2, 0))  # the token ran out: an empty 200
    responses.get(url, body=page([{"id": 3}], 2, 3))
    auth = oauth()
    api = Api(client(), auth, BASE)
    first = api.page(LIST, 1, 2)
    second = api.page(LIST, 2, 2, expected=first.total)
    assert [i["id"] for i in second.items] == [3]
    pages = [c for c in responses.calls if c.request.method == "GET"]
    assert [bearer(c) for c in pages] == ["Bearer old-token"] * 2 + ["Bearer new-token"]
    assert auth.renewals["empty page"] == 1


@responses.activate
def test_an_empty_first_page_is_believed_only_when_the_token_works() -> None:
    responses.add(token("old-token"))
    responses.add(token("new-token"))
    url = f"{BASE}{LIST}"
    responses.get(url, body=page([], 1, 0))
    responses.get(PROBE, status=404)  # the expired token sees nothing
    responses.get(url, body=page([{"id": 7}], 1, 1))
    responses.get(f"{BASE}{ADMIN}/sites/5/user-accounts", body=page([], 1, 0))
    responses.get(PROBE, json={"id": 1})
    api = Api(client(), oauth(), BASE)
    assert [i["id"] for i in api.page(LIST, 1, 2).items] == [7]
    really_empty = api.page(f"{ADMIN}/sites/5/user-accounts", 1, 2)
    assert really_empty.items == [] and really_empty.is_last


@responses.activate
def test_a_probe_with_a_token_renewed_meanwhile_vouches_for_nothing() -> None:
    # Another worker renews the token while this page is in flight: its empty answer came
    # with the old token, so the new token's working probe must not make it believed.
    responses.add(token("old-token"))
    responses.add(token("new-token"))
    url = f"{BASE}{LIST}"
    auth = oauth()
    answers = iter([page([], 1, 0), page([{"id": 9}], 1, 1)])

    def list_page(request: object) -> tuple[int, dict[str, str], str]:
        body = next(answers)
        if auth.generation == 1:
            auth.renew("empty page", 1)  # what the other worker does meanwhile
        return 200, {}, body

    responses.add_callback("GET", url, callback=list_page)
    responses.get(PROBE, json={"id": 1})
    assert [i["id"] for i in Api(client(), auth, BASE).page(LIST, 1, 2).items] == [9]
    assert auth.generation == 2


@responses.activate
def test_a_contradicted_empty_page_is_asked_again_before_it_is_believed() -> None:
    url = f"{BASE}{LIST}"
    responses.get(url, body=page([], 2, 0))
    responses.get(url, body=page([], 2, 0))
    auth = Authenticator(Credentials("basic", "user@example.test", "pw-x-123"), client(), BASE)
    api = Api(client(), auth, BASE, sleep=lambda s: None)
    shrunk = api.page(LIST, 2, 2, expected=3)  # Basic never expires: items really went away
    assert shrunk.items == [] and len(responses.calls) == 2
    assert all(c.request.headers["Authorization"].startswith("Basic ") for c in responses.calls)


@responses.activate
def test_an_envelope_that_counts_missing_items_is_never_believed() -> None:
    url = f"{BASE}{LIST}"
    for _ in range(MAX_RENEWALS + 2):
        responses.get(url, body=page([], 2, 5))
    auth = Authenticator(Credentials("basic", "user@example.test", "pw-x-123"), client(), BASE)
    with pytest.raises(ApiError, match="stayed empty although 3 item"):
        Api(client(), auth, BASE, sleep=lambda s: None).page(LIST, 2, 2, expected=3)
    assert len(responses.calls) == MAX_RENEWALS + 1


@responses.activate
def test_refused_credentials_are_named_but_never_shown() -> None:
    responses.post(TOKEN, status=401, json={"error": "invalid_client"})
    with pytest.raises(ExtractionError) as refused:
        oauth().header()
    assert "client-secret-x" not in str(refused.value)
    assert "client-id-x" not in str(refused.value)
    assert "CLIENT_SECRET" in str(refused.value)
    responses.get(f"{BASE}{LIST}", status=403, json={"status": "FORBIDDEN"})
    auth = Authenticator(Credentials("basic", "user@example.test", "pw-x-123"), client(), BASE)
    with pytest.raises(AccessRefused):
        Api(client(), auth, BASE).page(LIST, 1, 2)


def test_credentials_come_from_the_settings_or_fail_clearly() -> None:
    both = SourceSettings(
        "https://x",
        "",
        Secret("u@x.test"),
        Secret("pw-1234"),
        Secret("cid-1234"),
        Secret("cs-1234"),
    )
    assert Credentials.from_settings(both).mode == "oauth2"
    basic = SourceSettings("https://x", "", Secret("u@x.test"), Secret("pw-1234"))
    assert Credentials.from_settings(basic).mode == "basic"
    with pytest.raises(ConfigError, match="TRANSFER_SOURCES_PARTNERSHIP_"):
        Credentials.from_settings(SourceSettings("https://x", ""))
