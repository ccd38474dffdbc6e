"""Every API path of the platform replica answers, for the export account and for a guest."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from transfer.sandbox.platform import Platform
from transfer.sandbox.platform.local import LocalClient, export_basic
from transfer.sandbox.platform.paths import ROUTES, Route
from transfer.sandbox.settings import SandboxSettings


@pytest.fixture(scope="module")
def platform() -> Platform:
    return Platform(SandboxSettings(scale=0.02))


def _target(platform: Platform, route: Route) -> str:
    world = platform.world
    member = next(m for m in world.members.values() if m.email and m.id != world.export_id)
    org = next(o for o in world.organizations.values() if o.parent_id == 0)
    site = world.workspaces()[0]
    values = {
        "site": str(site.id),
        "path": site.friendly_url.strip("/"),
        "user": str(member.id),
        "email": quote(member.email or ""),
        "status": "Inactive",
        "org": str(org.id),
        "role": str(min(r.id for r in world.roles.values())),
        "section": str(min(world.sections)),
        "thread": str(min(world.threads)),
        "message": str(min(world.messages)),
        "folder": str(min(world.folders)),
        "document": str(min(world.documents)),
    }
    path = route.template
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return route.base + path


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.template)
def test_every_path_answers_the_export_account(platform: Platform, route: Route) -> None:
    target = _target(platform, route)
    body = LocalClient(platform, export_basic(platform.settings)).json(target)
    if "items" in body:
        assert {"items", "totalCount", "lastPage", "page", "pageSize"} <= set(body)
    else:
        assert "id" in body


@pytest.mark.parametrize("route", ROUTES[:4], ids=lambda route: route.template)
def test_a_guest_is_refused_naming_the_method(platform: Platform, route: Route) -> None:
    response = LocalClient(platform).get(_target(platform, route))
    assert response.status == 403
    assert json.loads(response.body)["title"].endswith(route.operation.split(".")[-1])
