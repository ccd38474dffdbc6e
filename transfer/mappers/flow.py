"""Processors that steer the chain rather than change a value (Drupal migrate's
``skip_on_empty`` is the model)."""

from __future__ import annotations

from typing import Any

from transfer.mappers.context import Context
from transfer.mappers.registry import Key, Processor, SkipRecord, StopChain, processor
from transfer.mappers.values import Get


def empty(value: object) -> bool:
    """None, an empty or blank string, an empty list or mapping."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | dict | tuple) and not value


@processor("skip_on_empty")
class SkipOnEmpty(Processor):
    """Stop when the value is empty (None, blank, an empty list): with ``method: process``
    the column gets no value and the rest of its chain does not run; with ``method: row``
    the whole record is skipped with ``message`` as the rule in the report. A value that
    is not empty passes through unchanged.

    Keys:
      method (string: process, row, required, shorthand): what empty stops.
      message (string): the skip reason for ``row``; default "<column> is empty".

    Example:
      ```yaml
      asset_id:
        - get: fields._download.sha256
        - skip_on_empty: process     # no bytes downloaded: no asset to point at
        - regex: {pattern: '^.*$', replace: ''}
        - concat: {paths: [key]}
        - lookup: {migration: partnership/file.assets}
      ```
      ``None`` → the column stays empty; ``"9f2c…"`` → ``"9f2c…"``
    """

    keys = (
        Key("method", (str,), required=True, choices=("process", "row"), help="what empty stops"),
        Key("message", (str,), default=None, help="skip reason for method row"),
    )
    shorthand = "method"
    takes_none = True
    takes_lists = True

    def __call__(self, value: Any, context: Context) -> Any:
        if not empty(value):
            return value
        if self.config["method"] == "row":
            raise SkipRecord(self.config["message"] or f"{context.column} is empty")
        raise StopChain


@processor("is_empty")
class IsEmpty(Processor):
    """Whether the value is empty (None, blank, an empty list): ``true`` or ``false``. For
    flag columns that say a reference was not found.

    No keys.

    Example:
      ```yaml
      workspace_missing:
        - get: row.workspace_id      # the lookup gave nothing: the workspace was not found
        - is_empty
      ```
      ``None`` → ``true``; a workspace's id → ``false``
    """

    keys = ()
    takes_none = True
    takes_lists = True

    def __call__(self, value: Any, context: Context) -> Any:
        return empty(value)


@processor("is_present")
class IsPresent(IsEmpty):
    """Whether the value is there (not None, blank or an empty list): ``true`` or
    ``false``, the opposite of ``is_empty``. For flag columns that say something was found.

    No keys.

    Example:
      ```yaml
      is_partner:
        - get: fields.customFields[name=commitmentDate].customValue.data
        - is_present
      ```
      ``"2024-12-05T06:09:07Z"`` → ``true``; ``None`` → ``false``
    """

    def __call__(self, value: Any, context: Context) -> Any:
        return not super().__call__(value, context)


@processor("when")
class When(Get):
    """Read ``path`` when the value is true (not empty and not ``false``); otherwise the
    column gets no value and the rest of its chain does not run.

    Keys:
      path (string, required, shorthand): where to read (see ``get``) when the value is true.

    Example:
      ```yaml
      missing_workspace_key:
        - get: row.workspace_missing
        - when: fields.siteId
      ```
      ``true`` (site ``30101``) → ``"30101"``; ``false`` → the column stays empty
    """

    # The key, its check and the read are get's; only the condition is new.
    keys = (Key("path", (str,), required=True, help="where to read when the value is true"),)

    def __call__(self, value: Any, context: Context) -> Any:
        if value is False or empty(value):
            raise StopChain
        return super().__call__(value, context)


@processor("contains")
class Contains(Processor):
    """Whether the value (a list, or a single value) holds any of ``values``: ``true`` or
    ``false``. For flag columns read from a list of flags.

    Keys:
      values (list, required, shorthand): what to look for.

    Example:
      ```yaml
      author_deleted:
        - get: fields._flags
        - contains: [creator-deleted]
      ```
      ``["creator-deleted"]`` → ``true``; ``None`` → ``false``
    """

    keys = (Key("values", (list,), required=True, help="what to look for"),)
    shorthand = "values"
    takes_none = True
    takes_lists = True

    def __call__(self, value: Any, context: Context) -> Any:
        found = value if isinstance(value, list | tuple) else [] if value is None else [value]
        wanted = {str(item) for item in self.config["values"]}
        return any(str(item) in wanted for item in found)
