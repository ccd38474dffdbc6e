"""The personal-data policy: which partnership fields are personal, and what each target
environment gets of them (keep, mask, hash, drop), from ``mappings/partnership/personal_data.yml``.

:mod:`~transfer.privacy.policy_file` reads the file; :mod:`~transfer.privacy.policy` applies
it. The map stage applies it to every partnership record before mapping, so the target never
receives more than the policy allows; the staging store keeps the raw export. The exporter
writes its human-readable copy of the records (``records.jsonl`` in the run folder) through
the same :class:`~transfer.privacy.policy.PersonalData`, and the verification checks the
target against :data:`~transfer.privacy.policy.MASK`.
"""
