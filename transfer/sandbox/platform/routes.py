"""The headless API front: access rules, parameters, rendering and the page envelope.

Order of checks, as the portal applies them: an unknown path is a 404 for anyone; wrong
Basic credentials a 401; a guest a 403 naming the resource method; a non-GET method a 405
(the replica is read-only). Then an expired or unknown bearer token sees empty pages and
404 entities. Rendered items are cached per (kind, id, view), as JSON text, so a page of
500 costs a join.
"""

from __future__ import annotations

import threading
from typing import Any

from transfer.sandbox.platform import query
from transfer.sandbox.platform.auth import Access, Authenticator
from transfer.sandbox.platform.files import FileStore
from transfer.sandbox.platform.kinds import KINDS
from transfer.sandbox.platform.model import World
from transfer.sandbox.platform.paths import match
from transfer.sandbox.platform.resources import Listing, NotFound, Single
from transfer.sandbox.platform.responses import json_response, no_route, not_found, problem
from transfer.sandbox.platform.serial import dumps
from transfer.sandbox.platform.serializers import View
from transfer.sandbox.platform.vocab import W3C
from transfer.sandbox.wire import Request, Response

_CACHE_LIMIT = 200_000
_LANGUAGES = {"fi": "fi", "sv": "sv", "en": "en"}


def view_of(request: Request) -> View:
    """Language and embedding options from the request headers and ``nestedFields``."""
    lang = None
    ranked = []
    for n, part in enumerate(request.header("accept-language").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, n, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        lang = _LANGUAGES.get(tag.split("-")[0])
        if lang:
            break
    nested = {n.strip() for n in request.param("nestedFields").split(",")}
    return View(
        lang=lang,
        all_langs=request.header("x-accept-all-languages").strip().lower() == "true",
        content_value="contentValue" in nested,
    )


def envelope(items: list[str], total: int, paging: query.Paging) -> bytes:
    """The page JSON around already-rendered items (keys in Liferay's alphabetical order)."""
    last = 1 if total == 0 else -(-total // paging.page_size)
    return (
        f'{{"actions":{{}},"facets":[],"items":[{",".join(items)}],"lastPage":{last},'
        f'"page":{paging.page},"pageSize":{paging.page_size},"totalCount":{total}}}'
    ).encode()


class Api:
    """Answers ``/o/headless-admin-user/v1.0/...`` and ``/o/headless-delivery/v1.0/...``."""

    def __init__(self, world: World, files: FileStore, auth: Authenticator) -> None:
        self._world = world
        self._files = files
        self._auth = auth
        self._cache: dict[tuple[str, int, View], tuple[dict[str, Any], str]] = {}
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Response:
        found = match(request.path)
        if found is None:
            return no_route()
        route, arguments = found
        access = self._auth.api_access(request)
        if access is Access.BAD_CREDENTIALS:
            return Response(
                status=401,
                body=b"",
                content_type="text/plain; charset=utf-8",
                headers=[("WWW-Authenticate", 'Basic realm="PortalRealm"')],
                cacheable=False,
            )
        if access is Access.GUEST:
            return problem(403, f"Access denied to {route.operation}")
        if request.method not in ("GET", "HEAD"):
            return no_route(request.method)
        try:
            selection = route.handler(self._world, arguments, request)
        except NotFound:
            return not_found()
        view = view_of(request)
        language = W3C[view.lang or "fi"]
        fields = query.field_tree(request.param("fields"))
        restrict = query.field_tree(request.param("restrictFields"))
        if isinstance(selection, Single):
            if access is Access.EXPIRED:
                return not_found()
            value, text = self._render(selection.kind, selection.id, view)
            if fields or restrict:
                text = dumps(self._project(value, fields, restrict))
            return json_response(text.encode("utf-8"), language=language)
        return self._page(request, selection, access, view, fields, restrict, language)

    def _page(
        self,
        request: Request,
        selection: Listing,
        access: Access,
        view: View,
        fields: query.Tree,
        restrict: query.Tree,
        language: str,
    ) -> Response:
        kind = KINDS[selection.kind]
        try:
            wanted = query.list_query(request, kind, selection.paging_only)
        except query.BadRequest as error:
            return problem(400, str(error))
        if access is Access.EXPIRED:
            return json_response(envelope([], 0, wanted.paging), language=language)
        ids = query.select(self._world, kind, selection.ids, wanted)
        items = []
        for entity_id in wanted.paging.window(ids):
            value, text = self._render(selection.kind, entity_id, view)
            if fields or restrict:
                text = dumps(self._project(value, fields, restrict))
            items.append(text)
        return json_response(envelope(items, len(ids), wanted.paging), language=language)

    @staticmethod
    def _project(value: dict[str, Any], fields: query.Tree, restrict: query.Tree) -> dict[str, Any]:
        if fields:
            value = query.keep(value, fields)
        if restrict:
            value = query.drop(value, restrict)
        return value

    def _render(self, kind: str, entity_id: int, view: View) -> tuple[dict[str, Any], str]:
        key = (kind, entity_id, view)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        spec = KINDS[kind]
        value = spec.render(self._world, spec.table(self._world)[entity_id], view, self._files)
        rendered = (value, dumps(value))
        if view.content_value and kind == "document":
            return rendered  # inline bodies can be megabytes: not worth keeping
        with self._lock:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = rendered
        return rendered
