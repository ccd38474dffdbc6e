"""Processors that need other records: lookup (other migrations' ids) and from_plan
(values the map stage computes across records: translation groups, new paths)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from transfer.mappers.context import Context
from transfer.mappers.registry import Key, Processor, ProcessorError, SkipRecord, processor

#: The values ``from_plan`` can ask the map stage for, and what each one is.
PLAN_VALUES: dict[str, str] = {
    "item_id": "id of the content item (translation group) the record belongs to",
    "item_key": "source key of the translation group (its Finnish page, or the first one)",
    "new_path": "path of the page or file on the KEHA site, from the URL plan",
    "translation_id": "id of the content translation the record became",
    "asset_id": "id of the asset row of the current item's file",
    "contact_id": "id of the contact person row of the current item",
}


@processor("lookup")
class Lookup(Processor):
    """Find the target id of another migration's row by its source key (the input).

    The migrations are mapping ids (``<source folder>/<file stem>.<target table>``, e.g.
    ``online_service/attachment.assets``), tried in order. With ``stub: true`` a key that
    has no row yet gets a stub row (a forward reference) that the other migration fills in
    later; otherwise ``missing`` decides.

    Keys:
      migration (string or list, required, shorthand): mapping id(s) to search.
      stub (boolean): create a stub for a key not yet migrated; default false.
      missing (string: null, error, skip): what a key without a row gives; default null.

    Example:
      ```yaml
      - get: item.url
      - lookup: {migration: online_service/attachment.assets, stub: true}
      ```
      ``"https://kotoutuminen.fi/documents/1/2/a.pdf/0a1b…"`` → ``42``
    """

    keys = (
        Key("migration", (str, list), required=True, help="mapping id(s) to search"),
        Key("stub", (bool,), default=False, help="create a stub for a forward reference"),
        Key("missing", (str,), choices=("null", "error", "skip"), default="null"),
    )
    shorthand = "migration"

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        migrations = config.get("migration")
        if isinstance(migrations, list) and (
            not migrations or not all(isinstance(item, str) for item in migrations)
        ):
            return [("migration", "must be a mapping id or a non-empty list of them")]
        return []

    def migrations(self) -> list[str]:
        """The mapping ids this step searches, in order."""
        value = self.config["migration"]
        return [value] if isinstance(value, str) else list(value)

    def __call__(self, value: Any, context: Context) -> Any:
        resolver = context.services.references
        if resolver is None:
            raise ProcessorError(
                "lookup needs the id map, and none was given",
                next_step="run it through transfer map, which provides the id map",
            )
        key = str(value)
        for migration in self.migrations():
            found = resolver.resolve(migration, key)
            if found is not None:
                return found
        if self.config["stub"]:
            migration = self.migrations()[0]
            context.report.stubs.append((migration, key))
            return resolver.stub(migration, key)
        if self.config["missing"] == "skip":
            raise SkipRecord(f"{context.column}: {key!r} is not migrated yet")
        if self.config["missing"] == "error":
            raise ProcessorError(f"{key!r} is not in {', '.join(self.migrations())}")
        return None


@processor("from_plan")
class FromPlan(Processor):
    """A value provided by the map stage, not by the record alone: the translation group,
    the URL plan and ids of rows made from the same record. A placeholder in the mapping
    files; ``transfer map`` supplies the plan (the ``plan`` of the context).

    Values: item_id, item_key, new_path, translation_id, asset_id, contact_id.

    Keys:
      name (string, required, shorthand): which planned value.

    Example:
      ```yaml
      - from_plan: new_path
      ```
      the news page ``https://kotoutuminen.fi/-/uusi-laki`` → ``"/fi/uutiset/uusi-laki"``
    """

    keys = (Key("name", (str,), required=True, choices=tuple(PLAN_VALUES), help="planned value"),)
    shorthand = "name"
    takes_none = True
    takes_lists = True

    @classmethod
    def reads(cls, config: Mapping[str, Any]) -> list[tuple[str | None, str]]:
        # asset_id finds the file by the each: element (its url, or the element itself);
        # contact_id keys the person by the element's e-mail, else name.
        found = {"asset_id": ["item"], "contact_id": ["item.email", "item.name"]}
        return [(None, path) for path in found.get(str(config.get("name")), [])]

    def __call__(self, value: Any, context: Context) -> Any:
        plan = context.services.plan
        if plan is None:
            raise ProcessorError(
                f"{self.config['name']} is provided by the map stage, and no plan was given",
                next_step="run it through transfer map, which provides the plan",
            )
        return plan.value(self.config["name"], context)
