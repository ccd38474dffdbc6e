"""The mapped-rows store: the contract between ``transfer map`` and the loaders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from transfer.stores.mapped import (
    MappedReader,
    MappedRecord,
    MappedRow,
    MappedStore,
    Ref,
    decode_rows,
    encode_rows,
)

PAGE = "https://kotoutuminen.fi/-/uusi-sivu"


def page_record(title: str = "Otsikko") -> MappedRecord:
    item = MappedRow(
        "content_items",
        {
            "source_system": "online_service",
            "source_key": PAGE,
            "kind_id": Ref("content_kinds", "keha", "news"),
        },
    )
    translation = MappedRow(
        "content_translations",
        {
            "source_system": "online_service",
            "source_key": PAGE,
            "item_id": Ref("content_items", "online_service", PAGE),
            "title": title,
            "published_at": datetime(2024, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2))),
            "tags": ["a", "b"],
        },
    )
    return MappedRecord("online_service", PAGE, "news", "mapped", (item, translation), mapping="x")


def test_rows_round_trip_with_refs_and_utc_times() -> None:
    record = page_record()
    rows = decode_rows(encode_rows(record.rows))
    assert rows == record.rows
    assert rows[1].values["published_at"] == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert rows[0].values["kind_id"] == Ref("content_kinds", "keha", "news")


def test_naive_times_are_refused() -> None:
    row = MappedRow("content_translations", {"published_at": datetime(2024, 3, 1)})
    with pytest.raises(ValueError, match="naive datetime"):
        encode_rows((row,))


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="status"):
        MappedRecord("online_service", PAGE, "news", "loaded")


def test_rows_hash_follows_the_values_only() -> None:
    assert page_record().rows_hash == page_record().rows_hash
    assert page_record().rows_hash != page_record("Toinen").rows_hash


def test_a_complete_pass_removes_what_it_did_not_write(tmp_path: Path) -> None:
    with MappedStore(tmp_path / "mapped.sqlite") as store:
        first, resumed = store.begin_pass("run-1")
        assert not resumed
        with store.transaction():
            store.put(page_record(), first)
            store.put(MappedRecord("online_service", "gone", "page", "skipped", reason="r"), first)
        assert store.end_pass(first, complete=True) == 0
        second, _ = store.begin_pass("run-2")
        store.put(page_record("Uusi"), second)
        assert store.end_pass(second, complete=True) == 1
        assert [r.record_key for r in store.records()] == [PAGE]
        found = store.get("online_service", PAGE)
        assert found is not None and found.rows[1].values["title"] == "Uusi"
        assert store.counts() == {("online_service", "news", "mapped"): 1}
        assert store.last_complete_pass() == second


def test_a_stopped_pass_is_resumed_and_a_failed_transaction_writes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mapped.sqlite"
    with MappedStore(path) as store:
        pass_id, _ = store.begin_pass("run-1")
        store.put(page_record(), pass_id)
        with pytest.raises(RuntimeError), store.transaction():
            store.put(MappedRecord("online_service", "half", "page", "mapped"), pass_id)
            raise RuntimeError("killed")
    with MappedStore(path) as store:
        again, resumed = store.begin_pass("run-2")
        assert (again, resumed) == (pass_id, True)
        assert store.written_in(pass_id) == {("online_service", PAGE)}


def _naming(key: str, contact: str) -> MappedRecord:
    own = MappedRow("content_items", {"source_system": "online_service", "source_key": key})
    person = MappedRow("contact_people", {"source_system": "online_service", "source_key": contact})
    return MappedRecord("online_service", key, "news", "mapped", (own, person))


def _shared(record: MappedRecord) -> set[tuple[str, str, str]]:
    return {
        (row.table, str(row.values["source_system"]), str(row.values["source_key"]))
        for row in record.rows
        if row.values["source_key"] != record.record_key
    }


def _holders(store: MappedStore, contact: str) -> list[str]:
    return [
        record.record_key
        for record in store.records()
        if any(row.values["source_key"] == contact for row in record.rows)
    ]


def test_a_shared_row_stays_with_its_owner_when_a_record_is_added_before_it(
    tmp_path: Path,
) -> None:
    with MappedStore(tmp_path / "mapped.sqlite") as store:
        first, _ = store.begin_pass("run-1")
        with store.transaction():
            store.put(_naming("m-page", "contact:a"), first)
            store.put(_naming("z-page", "contact:a"), first)
        assert store.settle_shared(first, _shared) == 1
        store.end_pass(first, complete=True)
        assert _holders(store, "contact:a") == ["m-page"]
        before = store.get("online_service", "m-page")

        # The next pass: a page sorted before the owner names the same person.
        second, _ = store.begin_pass("run-2")
        with store.transaction():
            for key in ("a-page", "m-page", "z-page"):
                store.put(_naming(key, "contact:a"), second)
        assert store.settle_shared(second, _shared) == 2
        assert store.settle_shared(second, _shared) == 0  # settled: nothing more to give up
        store.end_pass(second, complete=True)
        assert _holders(store, "contact:a") == ["m-page"]
        assert store.get("online_service", "m-page") == before

        # The owner stops naming the person: the first producer in key order takes it.
        third, _ = store.begin_pass("run-3")
        with store.transaction():
            store.put(_naming("a-page", "contact:a"), third)
            store.put(_naming("z-page", "contact:a"), third)
            store.put(_naming("m-page", "contact:b"), third)
        store.settle_shared(third, _shared)
        store.end_pass(third, complete=True)
        assert _holders(store, "contact:a") == ["a-page"]
        assert _holders(store, "contact:b") == ["m-page"]


def _owners_after_passes(path: Path, tables: tuple[str, ...] | None) -> list[Any]:
    """The three passes above, settled with or without ``tables``: what each settling
    returned and who held the rows after each pass."""
    seen: list[Any] = []
    passes = (
        [("m-page", "contact:a"), ("z-page", "contact:a"), ("solo", "solo")],
        [("a-page", "contact:a"), ("m-page", "contact:a"), ("z-page", "contact:a")],
        [("a-page", "contact:a"), ("z-page", "contact:a"), ("m-page", "contact:b")],
    )
    with MappedStore(path) as store:
        for number, records in enumerate(passes):
            pass_id, _ = store.begin_pass(f"run-{number}")
            with store.transaction():
                for key, contact in records:
                    store.put(_naming(key, contact), pass_id)
            seen.append(store.settle_shared(pass_id, _shared, tables=tables))
            store.end_pass(pass_id, complete=True)
            seen.append([_holders(store, c) for c in ("contact:a", "contact:b")])
            seen.append([(r.record_key, r.rows_hash) for r in store.records()])
        seen.append(store.shared_owners())
    return seen


def test_settling_only_the_records_with_rows_keyed_apart_settles_alike(tmp_path: Path) -> None:
    """``tables``: records whose rows of those tables are all their own are not read (the
    map stage's shortcut); the owners, the rows and the counts are those of a full read."""
    every = _owners_after_passes(tmp_path / "every.sqlite", None)
    assert every[0] == 1 and every[-1]  # something was shared and settled
    keyed = _owners_after_passes(tmp_path / "keyed.sqlite", ("contact_people", "content_items"))
    assert keyed == every


def _many_records(path: Path, count: int) -> None:
    store = MappedStore(path)
    pass_id, _ = store.begin_pass("run")
    with store.transaction():
        for n in range(count):
            kind = ("news", "event", "page")[n % 3]
            store.put(MappedRecord("online_service", f"k{n:05d}", kind, "skipped", ()), pass_id)
    store.end_pass(pass_id, complete=True)
    store.close()


def test_pages_of_some_kinds_search_the_key_range(tmp_path: Path) -> None:
    """Each page of a wave's kinds starts where the last ended: the query searches the
    key range, not the source system from its start (that made paging quadratic)."""
    path = tmp_path / "mapped.sqlite"
    _many_records(path, 1000)
    reader = MappedReader(path)
    queries: list[str] = []
    reader.db.set_trace_callback(queries.append)
    try:
        pages = list(reader.pages(70, kinds=[("online_service", "event")]))
        selected = [q for q in queries if q.startswith("SELECT") and "kind" in q]
        plan = reader.db.execute("EXPLAIN QUERY PLAN " + selected[-1]).fetchall()
    finally:
        reader.close()
    keys = [entry.record_key for page in pages for entry in page]
    assert keys == [f"k{n:05d}" for n in range(1000) if n % 3 == 1]
    assert [len(page) for page in pages] == [70] * 4 + [53]
    assert any("(source_system,record_key)>(?,?)" in str(step) for step in plan), plan


def test_keys_are_looked_up_in_any_number(tmp_path: Path) -> None:
    path = tmp_path / "mapped.sqlite"
    _many_records(path, 1000)
    reader = MappedReader(path)
    try:
        wanted = [("online_service", f"k{n:05d}") for n in range(999, -1, -2)]
        wanted += [("online_service", "absent"), ("partnership", "k00001"), wanted[0]]
        found = reader.get_many(wanted)
        statuses = reader.statuses(wanted)
    finally:
        reader.close()
    expected = {("online_service", f"k{n:05d}") for n in range(1, 1000, 2)}
    assert set(found) == expected == set(statuses)
    assert all(entry.key == key and entry.status == "skipped" for key, entry in found.items())
    assert set(statuses.values()) == {"skipped"}
