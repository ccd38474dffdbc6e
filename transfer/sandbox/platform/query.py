"""List parameters as Liferay's vulcan layer reads them: paging, filter, search, sort, and the
``fields``/``restrictFields`` projections.

Paging (PaginationContextProvider): ``page`` defaults to 1 and ``pageSize`` to 20; a
non-number counts as absent; ``pageSize`` above the cap (500) is clamped; ``page`` or
``pageSize`` ≤ 0 returns page 1 holding ``cap`` items. ``lastPage`` is ceil(total/pageSize),
and 1 when nothing matched. Without ``sort`` items come in ascending id order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transfer.sandbox.platform import odata
from transfer.sandbox.platform.kinds import Kind
from transfer.sandbox.platform.model import World
from transfer.sandbox.wire import Request

CAP = 500
Tree = dict[str, "Tree"]


class BadRequest(ValueError):
    """A parameter Liferay would refuse with 400; the message is the Problem's title."""


@dataclass(frozen=True)
class Paging:
    page: int
    page_size: int

    def window(self, items: list[int]) -> list[int]:
        start = (self.page - 1) * self.page_size
        return items[start : start + self.page_size]


@dataclass(frozen=True)
class ListQuery:
    paging: Paging
    filter: odata.Node | None = None
    search: str = ""
    sort: tuple[tuple[str, bool], ...] = ()  # (field, descending)


def _integer(raw: str, default: int) -> int:
    try:
        return int(raw)
    except ValueError:
        return default


def paging(request: Request) -> Paging:
    page = _integer(request.param("page"), 1)
    size = _integer(request.param("pageSize"), 20)
    if page <= 0 or size <= 0:
        return Paging(1, CAP)
    return Paging(page, min(size, CAP))


def list_query(request: Request, kind: Kind, paging_only: bool = False) -> ListQuery:
    """The request's list parameters; ``paging_only`` for operations that take no others."""
    pages = paging(request)
    if paging_only:
        return ListQuery(pages)
    node = None
    if request.param("filter").strip():
        try:
            node = odata.parse(request.param("filter"), kind.fields)
        except odata.FilterError as error:
            raise BadRequest(str(error)) from error
    sort = []
    for part in filter(None, (p.strip() for p in request.param("sort").split(","))):
        name, _, direction = part.partition(":")
        if name not in kind.fields:
            raise BadRequest(f"Unable to sort by {name}")
        sort.append((name, direction.lower() == "desc"))
    return ListQuery(pages, node, request.param("search").strip().lower(), tuple(sort))


def select(world: World, kind: Kind, ids: list[int], query: ListQuery) -> list[int]:
    """``ids`` (ascending) narrowed by filter and search, then sorted."""
    table = kind.table(world)
    if query.filter is not None:
        node = query.filter

        def matches(entity: Any) -> bool:
            return odata.evaluate(node, lambda name: kind.fields[name](world, entity))

        ids = [i for i in ids if matches(table[i])]
    if query.search:
        words = query.search.split()
        ids = [i for i in ids if all(w in kind.search(world, table[i]).lower() for w in words)]
    for name, descending in reversed(query.sort):
        getter = kind.fields[name]

        def key(i: int, getter: Any = getter) -> tuple[bool, Any]:
            value = getter(world, table[i])
            return (value is None, value if value is not None else 0)

        ids = sorted(ids, key=key, reverse=descending)
    return ids


def field_tree(spec: str) -> Tree:
    """``"id,creator.name"`` → ``{"id": {}, "creator": {"name": {}}}``."""
    tree: Tree = {}
    for path in filter(None, (p.strip() for p in spec.split(","))):
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
    return tree


def keep(value: Any, tree: Tree) -> Any:
    """Only the fields in ``tree`` (``fields=``); a leaf keeps the whole sub-value."""
    if isinstance(value, list):
        return [keep(item, tree) for item in value]
    if not isinstance(value, dict) or not tree:
        return value
    return {key: keep(value[key], sub) for key, sub in tree.items() if key in value}


def drop(value: Any, tree: Tree) -> Any:
    """Everything but the fields in ``tree`` (``restrictFields=``)."""
    if isinstance(value, list):
        return [drop(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        key: (drop(item, tree[key]) if key in tree else item)
        for key, item in value.items()
        if key not in tree or tree[key]
    }
