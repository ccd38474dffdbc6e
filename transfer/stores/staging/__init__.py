"""The staging store: what the extractors found, one SQLite file per source.

:mod:`~transfer.stores.staging.store` holds the records, aliases, failures and checkpoints;
:mod:`~transfer.stores.staging.frontier` the crawl frontier. Only these modules (and the
pass ledger, :mod:`transfer.stores.passes`) touch the store's tables; every stage uses
their methods.
"""

from transfer.stores.staging.frontier import Entry, Frontier
from transfer.stores.staging.store import (
    KIND_COUNTS,
    PassSummary,
    StagingStore,
    Stored,
    attached_aliases_sql,
    attached_failures_sql,
    attached_records_sql,
    attached_warnings_sql,
    restrict,
)

__all__ = [
    "KIND_COUNTS",
    "Entry",
    "Frontier",
    "PassSummary",
    "StagingStore",
    "Stored",
    "attached_aliases_sql",
    "attached_failures_sql",
    "attached_records_sql",
    "attached_warnings_sql",
    "restrict",
]
