"""Extractors: the online-service crawler and the Partnership-platform exporter.

Both emit :class:`transfer.records.SourceRecord` values into a crash-safe staging store and
share one HTTP layer (``extractors.http``): one classification of responses, bounded
retries with backoff, per-host politeness.
"""
