"""Drift repaired: a target row edited by hand is NO-GO until ``load --update --idlist``."""

from __future__ import annotations

from sqlalchemy import text

from tests.verification import plant
from tests.verification.conftest import Loaded
from transfer.loaders.options import LoadOptions
from transfer.loaders.rollback import rollback
from transfer.loaders.run import load_target
from transfer.loaders.selection import Selection
from transfer.verification.model import GO, NO_GO


def _title(loaded: Loaded) -> str:
    with loaded.engine.connect() as connection:
        return str(
            connection.execute(
                text("SELECT title FROM content_translations WHERE source_key = :k"),
                {"k": plant.ALTERED_KEY},
            ).scalar_one()
        )


def _load(loaded: Loaded, run_id: str, selection: Selection) -> dict[str, int]:
    world = loaded.world
    options = LoadOptions(
        mapped_store=world.mapped_store,
        blob_dir=world.root / "blobs",
        media_dir=world.media_dir,
        selection=selection,
    )
    result = load_target(loaded.engine, options, run_id, loaded.logs / run_id)
    assert not result.stats.failures, result.stats.failures
    return dict(result.stats.actions)


def test_update_of_the_listed_record_repairs_a_hand_edit(loaded: Loaded) -> None:
    original = _title(loaded)
    with loaded.engine.begin() as connection:
        connection.execute(
            text("UPDATE content_translations SET title = 'käsin' WHERE source_key = :k"),
            {"k": plant.ALTERED_KEY},
        )
    assert loaded.verify("20250102T000000Z-verify-0001").verdict.decision == NO_GO
    # A plain load sees nothing to do: the mapped rows are unchanged.
    assert set(_load(loaded, "20250102T000000Z-load-0001", Selection())) == {"unchanged", "skip"}
    assert _title(loaded) == "käsin"

    repair = Selection(idlist=(f"online_service:{plant.ALTERED_KEY}",), update=True)
    assert _load(loaded, "20250102T000000Z-load-0002", repair) == {"update": 1}
    assert _title(loaded) == original
    report = loaded.verify("20250102T000000Z-verify-0002")
    assert report.verdict.decision == GO, report.verdict.reasons

    # The repair is journaled like any load: rolling it back brings the hand edit back.
    rollback(loaded.engine, "20250102T000000Z-load-0002")
    assert _title(loaded) == "käsin"
