"""Reading the map stage's store (the workspace's ``mapped/mapped.sqlite``) for loading.

The store's own read-only reader (:class:`~transfer.stores.mapped.MappedReader`), opened
only when the map stage finished its last pass.
"""

from __future__ import annotations

from pathlib import Path

from transfer.errors import LoadError
from transfer.stores.mapped import MappedReader


class MappedSource(MappedReader):
    """The mapped store, opened read-only; refuses a store whose last map pass is unfinished."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise LoadError(
                "there are no mapped rows to load",
                where=str(path),
                next_step="run `transfer map` first",
            )
        super().__init__(path)
        last = self.last_pass_state()
        if last != "complete":
            state = "no pass" if last is None else f"a {last} pass"
            self.close()
            raise LoadError(
                f"the mapped store holds {state}, not a complete one: loading now could "
                "take records the map stage has not reached yet for removed ones",
                where=str(path),
                next_step="run `transfer map` to completion, then load again",
            )

    def __enter__(self) -> MappedSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
