"""Files: document folders and documents (metadata only; bodies are made in bodies.py).

Special documents exist at every scale: a few large ones (several MB), one or more of size
zero (Liferay then prints an empty ``contentUrl``), and a few whose stored file is gone, so
the API lists them but the download answers 404.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from transfer.sandbox.platform import phrases, text
from transfer.sandbox.platform.model import Document, Folder, World
from transfer.sandbox.platform.rng import count, moment, pick, stable_uuid, stream

#: kind → (file extension, media type, weight among ordinary files)
KINDS = {
    "pdf": ("pdf", "application/pdf", 45),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 15),
    "txt": ("txt", "text/plain", 10),
    "csv": ("csv", "text/csv", 10),
    "png": ("png", "image/png", 20),
    "large": ("mp4", "video/mp4", 0),
    "empty": ("txt", "text/plain", 0),
}
_ORDINARY = [kind for kind, (_, _, weight) in KINDS.items() if weight]
_WEIGHTS = [KINDS[kind][2] for kind in _ORDINARY]
_TITLES = {
    "pdf": (
        "Kokousmuistio {date}",
        "Raportti: {object}",
        "Esitys – {object}",
        "Kysely 100% vastanneet & yhteenveto",
        "Toimintasuunnitelma {year}",
    ),
    "docx": ("Työpajan tulokset – ryhmä {n}", "Luonnos: {object}", "Kutsu {date}"),
    "txt": ("Muistiinpanot {date}", "Linkit ja lähteet"),
    "csv": ("Osallistujatilasto {year}", "Kyselyn vastaukset {n}"),
    "png": ("Kuva {n}", "Kaavio: {object}", "Valokuva {date}"),
    "large": ("Webinaaritallenne {date}",),
    "empty": ("Tyhjä pohja {n}",),
}


def millis(moment_: datetime, rng: random.Random) -> int:
    """Liferay's ``t`` value: the modified time in milliseconds (with a millisecond part)."""
    return int(moment_.timestamp()) * 1000 + rng.randrange(1000)


class Librarian:
    """Adds folders and documents to a world, keeping titles unique within a folder."""

    def __init__(self, world: World, rng: random.Random, new_id: Callable[[], int]) -> None:
        self.world = world
        self.rng = rng
        self.new_id = new_id
        self.titles: dict[tuple[int, int], set[str]] = defaultdict(set)
        self.folders_of: dict[int, list[int]] = defaultdict(list)
        for document in world.documents.values():
            self.titles[(document.site_id, document.folder_id)].add(document.title)
        for folder in world.folders.values():
            self.folders_of[folder.site_id].append(folder.id)

    def folder(
        self, site_id: int, parent_id: int, name: str, after: datetime, end: datetime
    ) -> Folder:
        rng = self.rng
        taken = {
            f.name
            for f in self.world.folders.values()
            if f.site_id == site_id and f.parent_id == parent_id
        }
        while name in taken:
            name = f"{name} {rng.randint(2, 9)}"
        created = moment(rng, after, end)
        folder = Folder(
            id=self.new_id(),
            site_id=site_id,
            parent_id=parent_id,
            name=name,
            description=text.sentence(rng) if rng.random() < 0.5 else "",
            creator_id=self._creator(site_id),
            created=created,
            modified=moment(rng, created, end) if rng.random() < 0.3 else created,
        )
        self.world.folders[folder.id] = folder
        self.folders_of[site_id].append(folder.id)
        return folder

    def document(
        self, site_id: int, after: datetime, end: datetime, kind: str | None = None
    ) -> Document:
        rng = self.rng
        kind = kind or rng.choices(_ORDINARY, _WEIGHTS)[0]
        folders = self.folders_of[site_id]
        folder_id = rng.choice(folders) if folders and rng.random() < 0.65 else 0
        extension, mime, _ = KINDS[kind]
        title = rng.choice(_TITLES[kind]).format(
            date=f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2022, 2025)}",
            object=rng.choice(phrases.OBJECTS["fi"]),
            year=rng.randint(2022, 2025),
            n=rng.randint(1, 20),
        )
        taken = self.titles[(site_id, folder_id)]
        base, n = title, 1
        while title in taken:
            n += 1
            title = f"{base} ({n})"
        taken.add(title)
        created = moment(rng, after, end)
        modified = moment(rng, created, end) if rng.random() < 0.3 else created
        doc_id = self.new_id()
        document = Document(
            id=doc_id,
            site_id=site_id,
            folder_id=folder_id,
            title=title,
            file_name=f"{title}.{extension}",
            extension=extension,
            mime=mime,
            kind=kind,
            uuid=stable_uuid(self.world.seed, "document", doc_id),
            creator_id=self._creator(site_id),
            description=text.sentence(rng) if rng.random() < 0.4 else "",
            created=created,
            modified=modified,
            versions=[millis(modified, rng)],
        )
        self.world.documents[document.id] = document
        return document

    def _creator(self, site_id: int) -> int:
        return self.rng.choice(
            [m for m in self.world.site_roles[site_id] if m != self.world.export_id]
        )


def generate(world: World, scale: float, new_id: Callable[[], int], end: datetime) -> None:
    """Add about 450 × scale folders and 1,500 × scale documents."""
    rng = stream(world.seed, "library")
    librarian = Librarian(world, rng, new_id)
    sites = world.workspaces()
    tops: list[Folder] = []
    for n in range(count(450, scale, 9)):
        # One folder in each site first; the next one is nested in the first site's folder,
        # so nesting exists at every scale.
        site = sites[n] if n < len(sites) else sites[0] if n == len(sites) else rng.choice(sites)
        nested = [f for f in tops if f.site_id == site.id]
        if nested and (n == len(sites) or rng.random() < 0.2):
            parent = rng.choice(nested)
            librarian.folder(
                site.id, parent.id, rng.choice(phrases.SUBFOLDER_NAMES), parent.created, end
            )
        else:
            tops.append(
                librarian.folder(site.id, 0, rng.choice(phrases.FOLDER_NAMES), site.created, end)
            )
    large = count(4, scale, 1)
    empty = count(2, scale, 1)
    total = count(1500, scale, 30)
    for n in range(total):
        site = rng.choice(sites)
        kind = "large" if n < large else "empty" if n < large + empty else None
        librarian.document(site.id, site.created, end, kind)
    ordinary = [d for d in world.documents.values() if d.kind not in ("large", "empty")]
    for document in pick(rng, ordinary, count(15, scale, 1)):
        document.missing = True
