"""Where a record sits in a hierarchy of other records: a document's folder path, a
thread's message-board section. The map stage indexes the nodes of each hierarchy a
mapping names (``tree_path``) from the staging store before the pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from transfer.mappers.context import Context
from transfer.mappers.paths import path_problem
from transfer.mappers.registry import Key, Processor, ProcessorError, processor

#: How deep a chain of parents may go before it is taken for a cycle.
MAX_DEPTH = 64


@processor("tree_path")
class TreePath(Processor):
    """The path of names from the top of a hierarchy down to the node whose id is the
    input: ``/Reports/2024`` for a document in folder 2024 inside Reports. The nodes are
    the staged records of ``kind``; each names its parent's id at ``parent`` and its own
    name at ``name``. An id in ``root`` (Liferay's ``0``) is the top: ``/``. An id that is
    no node, or a chain of parents that loops, gives no value (the coverage check then
    reports the column as losing a value the source had).

    Keys:
      kind (string, required): the kind of the node records (e.g. ``folder``).
      parent (string, required): path of a node's parent id
        (e.g. ``fields.parentDocumentFolderId``).
      name (string, required): path of a node's name (e.g. ``fields.name``).
      key (string): the record key of a node, ``{}`` standing for its id; default ``<kind>:{}``.
      root (list): ids that mean "at the top"; default ``["0"]``.
      separator (string): between names; default ``/``.

    Example:
      ```yaml
      folder_path:
        - get: fields.documentFolderId
        - tree_path: {kind: folder, parent: fields.parentDocumentFolderId, name: fields.name}
      ```
      ``"4201"`` (folder "2024" in folder "Reports") → ``"/Reports/2024"``; ``"0"`` → ``"/"``
    """

    keys = (
        Key("kind", (str,), required=True, help="kind of the node records"),
        Key("parent", (str,), required=True, help="path of a node's parent id"),
        Key("name", (str,), required=True, help="path of a node's name"),
        Key("key", (str,), default=None, help="record key of a node, {} for its id"),
        Key("root", (list,), default=["0"], help="ids that mean the top"),
        Key("separator", (str,), default="/", help="between names"),
    )

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        out: list[tuple[str | None, str]] = []
        for key in ("parent", "name"):
            if isinstance(config.get(key), str) and (problem := path_problem(config[key])):
                out.append((key, problem))
            elif isinstance(config.get(key), str) and not config[key].startswith("fields."):
                out.append((key, "must be a path under fields. of the node records"))
        template = config.get("key")
        if isinstance(template, str) and "{}" not in template:
            out.append(("key", "must contain {} where the node's id goes"))
        return out

    @classmethod
    def reads(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        kind = str(config.get("kind"))
        return [(kind, str(config.get("parent"))), (kind, str(config.get("name")))]

    def key_of(self, node_id: str) -> str:
        template = self.config["key"] or f"{self.config['kind']}:{{}}"
        return str(template).replace("{}", node_id)

    def __call__(self, value: Any, context: Context) -> Any:
        trees = context.services.trees
        nodes = (
            None
            if trees is None
            else trees.nodes(self.config["kind"], self.config["parent"], self.config["name"])
        )
        if nodes is None:
            raise ProcessorError(
                f"tree_path needs the {self.config['kind']} records, and none were indexed",
                next_step="run it through transfer map, which indexes them from staging",
            )
        roots = {str(root) for root in self.config["root"]}
        separator = self.config["separator"]
        names: list[str] = []
        current: str | None = str(value)
        while current is not None and current not in roots:
            node = nodes.get(self.key_of(current))
            if node is None or len(names) >= MAX_DEPTH:
                return None
            parent, name = node
            names.append(name)
            current = parent
        return separator + separator.join(reversed(names))
