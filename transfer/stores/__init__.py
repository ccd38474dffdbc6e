"""The stores the stages hand over through, each the one owner of its tables and SQL.

- :mod:`transfer.stores.staging`: what the extractors found (records, aliases, failures,
  checkpoints, the crawl frontier), one SQLite file per source;
- :mod:`transfer.stores.blobs`: raw bodies and attachments by sha256;
- :mod:`transfer.stores.mapped`: the map stage's KEHA rows per source record, the contract
  the loaders and the verification read;
- :mod:`transfer.stores.passes`: the pass ledger the SQLite stores share (one resume rule);
- :mod:`transfer.stores.sqlite`: the crash-safe SQLite file under each of them.

Where each store lives is :class:`transfer.workspace.Workspace`'s business.
"""
