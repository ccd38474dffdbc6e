"""Planting each kind of problem in a loaded world, as a faulty migration would leave it."""

from __future__ import annotations

from sqlalchemy import text

from tests.verification.conftest import Loaded
from tests.verification.world import SITE

MISSING_KEY = f"{SITE}/en/-/news-1"
ALTERED_KEY = f"{SITE}/-/uutinen-2"
BROKEN_LINK_KEY = f"{SITE}/-/uutinen-3"
BROKEN_LINK = "/sivu-jota-ei-tullut"
CORRUPT_KEY = f"{SITE}/documents/10/20/raportti-4.pdf/uuid-4"
MISSING_REDIRECT = "https://kotouttaminen.fi/-/uutinen-5"
UNMASKED_MEMBER = "40001"
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


def plant_all(loaded: Loaded, *, title: str = "Muutettu otsikko") -> None:
    """One problem of each kind: missing record, altered field, broken link, corrupted
    attachment, missing redirect, unmasked e-mail."""
    with loaded.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM translation_assets WHERE source_key = :k"), {"k": MISSING_KEY}
        )
        connection.execute(
            text("UPDATE redirects SET translation_id = NULL WHERE source_key = :k"),
            {"k": MISSING_KEY},
        )
        connection.execute(
            text("DELETE FROM content_translations WHERE source_key = :k"), {"k": MISSING_KEY}
        )
        connection.execute(
            text("UPDATE content_translations SET title = :t WHERE source_key = :k"),
            {"t": title, "k": ALTERED_KEY},
        )
        connection.execute(
            text(
                "UPDATE content_translations SET body_html = body_html || :extra"
                " WHERE source_key = :k"
            ),
            {"extra": f"<p><a href='{BROKEN_LINK}'>rikki</a></p>", "k": BROKEN_LINK_KEY},
        )
        connection.execute(
            text("DELETE FROM redirects WHERE old_host = 'kotouttaminen.fi' AND old_path = :p"),
            {"p": "/-/uutinen-5"},
        )
        connection.execute(
            text("UPDATE members SET email = :e, is_masked = :f WHERE source_key = :k"),
            {"e": "aino.esimerkki@example.fi", "f": False, "k": UNMASKED_MEMBER},
        )
        path = connection.execute(
            text("SELECT storage_path FROM assets WHERE source_key = :k"), {"k": CORRUPT_KEY}
        ).scalar_one()
    blob = loaded.world.media_dir / path
    blob.write_bytes(blob.read_bytes()[:-3] + b"XYZ")
