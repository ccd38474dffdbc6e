"""Cutover operations: executable runbooks, the task-transfer register, redirect export.

``runbook`` reads and validates ``runbooks/*.yml``; ``executor`` runs one step after another
with gates and typed confirmations, resumably, into ``logs/<run_id>/cutover.jsonl``;
``summary`` writes the sign-off (HTML and Markdown); ``tasks`` reads the task-transfer
register; ``redirect_export`` writes the redirect map for nginx, Apache and CSV.
"""
