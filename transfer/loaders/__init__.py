"""The load stage: mapped rows into the KEHA target, with an id map, plans and rollback.

Drupal's migrate module is the model. Every source record the map stage wrote has an entry
in the id map (``load_id_map``): its target rows, status and the hash of the rows last
written, so a re-run writes only what changed, a killed run resumes, records gone from the
source are unpublished and ``transfer rollback`` undoes exactly one run (``load_journal``).

Modules: ``bookkeeping`` (the tables beside the KEHA ones), ``options``, ``source`` (reads
the mapped store), ``decide`` (what a record needs), ``rows`` (values, references,
upserts), ``journal`` (what a rollback needs; retiring rows), ``writer`` (one batch, one
transaction), ``media`` (the media store), ``run`` (the load loop and ``--plan``),
``rollback``, ``report`` (``status`` and ``messages``) and ``dump`` (a canonical dump of
the target for comparisons). This package imports nothing at import time, so the schema's
migrations can read ``bookkeeping`` cheaply.
"""
