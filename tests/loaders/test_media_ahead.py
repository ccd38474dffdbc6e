"""The media store's helper places files ahead of the load; the load takes what it checked
and places the rest itself, with the same checks and messages (transfer.loaders.media)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.loaders.helpers import prepare, run_load
from transfer.loaders import idmap
from transfer.loaders import media as media_module
from transfer.loaders.decide import decide
from transfer.loaders.media import MediaProblem, MediaStore, place_ahead
from transfer.loaders.options import LoadOptions
from transfer.loaders.source import MappedSource
from transfer.stores.blobs import BlobStore


def _blobs(root: Path, count: int) -> tuple[BlobStore, list[dict[str, str]]]:
    """A blob store of ``count`` small files, and an ``assets`` row's values for each."""
    blobs = BlobStore(root)
    rows = []
    for n in range(count):
        blob = blobs.put(f"file {n}\n".encode() * 50)
        rows.append({"sha256": blob.sha256})
    return blobs, rows


def _wait_for_helper(store: MediaStore) -> None:
    for answer, _files in list(store._given):
        answer.result()


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_the_helper_places_and_checks_files_the_load_then_takes(tmp_path: Path) -> None:
    blobs, rows = _blobs(tmp_path / "blobs", 5)
    media = tmp_path / "media"
    store = MediaStore(media, blobs)
    try:
        store.ahead(store.files_of(rows))
        _wait_for_helper(store)
        # Every file is in place: the load takes them without its blobs.
        for values in rows:
            blobs.path(values["sha256"]).unlink()
        for values in rows:
            store.place(dict(values))
    finally:
        assert store.close() == 5
    placed = _files(media)
    assert [path.name for path in placed] == sorted(values["sha256"] for values in rows)
    assert {path.stat().st_mode & 0o777 for path in placed} == {0o600}
    assert all(hashlib.sha256(path.read_bytes()).hexdigest() == path.name for path in placed)


def test_the_helper_leaves_bad_blobs_to_the_load_which_fails_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs, rows = _blobs(tmp_path / "blobs", 3)
    damaged, missing = rows[0]["sha256"], rows[1]["sha256"]
    blobs.path(damaged).write_bytes(b"not what was fetched")
    blobs.path(missing).unlink()
    media = tmp_path / "media"
    files = [(v["sha256"], v["sha256"]) for v in rows]  # storage paths at the store's top
    # In this process: the same function the helper runs, with the store it opens.
    monkeypatch.setattr(media_module, "_helper_store", MediaStore(media, blobs))
    assert place_ahead(files) == [2]
    assert [path.name for path in _files(media)] == [rows[2]["sha256"]]
    store = MediaStore(media, blobs)
    try:
        store.ahead(store.files_of(rows))
        _wait_for_helper(store)
        with pytest.raises(MediaProblem, match="hashes to"):
            store.place(dict(rows[0]))
        with pytest.raises(MediaProblem, match="not in the blob store"):
            store.place(dict(rows[1]))
        store.place(dict(rows[2]))
    finally:
        store.close()
    assert not (media / damaged[:2] / damaged[2:4] / damaged).exists()
    assert not list(media.rglob(".incoming-*"))


def test_a_helper_that_dies_leaves_the_files_to_the_load(tmp_path: Path) -> None:
    blobs, rows = _blobs(tmp_path / "blobs", 400)
    media = tmp_path / "media"
    store = MediaStore(media, blobs)
    try:
        store.ahead(store.files_of(rows))
        assert store._helper is not None
        for process in list(store._helper._processes.values()):  # type: ignore[attr-defined]
            os.kill(process.pid, 9)
            process.join()
        for values in rows:
            store.place(dict(values))
    finally:
        store.close()
    assert len(_files(media)) == 400


def test_a_plan_places_no_media(target: Engine, options: LoadOptions) -> None:
    prepare(options, 0.01)
    result = run_load(target, options, plan=True)
    assert result.plan
    assert not options.media_dir.exists() or not _files(options.media_dir)


def test_the_helpers_hint_agrees_with_the_loads_decisions(
    target: Engine, options: LoadOptions
) -> None:
    """The look-ahead's lean test (``idmap.unchanged``) names the records the load leaves
    alone, as ``decide`` does: all after a load, none of those whose rows changed since."""
    prepare(options, 0.02)
    run_load(target, options)
    prepare(options, 0.02, epoch=1)  # some records change, some are withdrawn
    with MappedSource(options.mapped_store) as source, target.connect() as connection:
        entries = [entry for page in source.pages(500) for entry in page]
        known = idmap.lookup(connection, (entry.key for entry in entries))
        same = idmap.unchanged(connection, ((entry.key, entry.rows_hash) for entry in entries))
    decided = {
        entry.key for entry in entries if decide(entry, known.get(entry.key)).action == "unchanged"
    }
    assert decided and same == decided
    assert len(same) < len(entries)
