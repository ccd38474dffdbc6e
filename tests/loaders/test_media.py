"""The media store copies a batch's files several at once, each checked on its own."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from transfer.loaders.media import MediaProblem, MediaStore, file_sha256
from transfer.stores.blobs import BlobStore


def test_a_batch_of_files_is_copied_at_once_and_each_checked(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    contents = [f"file {i}\n".encode() * (i + 1) for i in range(12)]
    shas = [blobs.put(content).sha256 for content in contents]
    assert shas == [hashlib.sha256(content).hexdigest() for content in contents]
    missing = hashlib.sha256(b"never fetched").hexdigest()
    damaged = shas[3]
    blobs.path(damaged).write_bytes(b"not what was fetched")
    store = MediaStore(tmp_path / "media", blobs)
    rows = [{"sha256": sha} for sha in [*shas, shas[0], missing]]  # one twice, one absent
    pending = [store.plan(row) for row in rows]
    assert all(item is not None for item in pending)
    outcomes = store.copy_all([item for item in pending if item is not None])
    problems = {row["sha256"]: str(o) for row, o in zip(rows, outcomes, strict=True) if o}
    assert set(problems) == {damaged, missing}
    assert "hashes to" in problems[damaged] and "not in the blob store" in problems[missing]
    assert all(isinstance(o, MediaProblem) for o in outcomes if o is not None)
    for row in rows:
        placed = tmp_path / "media" / row["storage_path"]
        if row["sha256"] in problems:
            assert not placed.exists()
            continue
        assert file_sha256(placed) == row["sha256"]
        assert stat.S_IMODE(placed.stat().st_mode) == 0o600
    assert not list((tmp_path / "media").rglob(".incoming-*"))
    # Placed and checked once: the next batch copies nothing again.
    assert store.plan({"sha256": shas[0]}) is None
