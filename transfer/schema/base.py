"""The declarative base of the KEHA schema: naming convention, UTC timestamps, provenance.

Constraint and index names come from one naming convention, so that a migration written on
SQLite creates the same names on PostgreSQL and a later migration can drop them by name.
Every KEHA table carries an integer surrogate key ``id`` and its provenance: the source
system and the stable source key it was loaded from.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names, identical on every dialect. PostgreSQL cuts names at 63 characters;
#: tests/schema checks that no generated name is that long.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Values of ``source_system``. "keha" marks reference rows that the migrations seed.
ONLINE_SERVICE = "online_service"
PARTNERSHIP = "partnership"
KEHA = "keha"
SOURCE_SYSTEMS = (ONLINE_SERVICE, PARTNERSHIP, KEHA)

#: Language tags of translations: BCP 47, easy Finnish (selkosuomi) as a private use tag.
LANGUAGES = ("fi", "sv", "en", "fi-x-selko")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp that reads back aware and in UTC on every dialect.

    PostgreSQL keeps the offset (``timestamptz``); SQLite has no such type and would hand
    back naive values, so UTC is stored and re-attached on reading. Naive values are refused
    on writing: a local time without its offset cannot be placed on the timeline.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give it a timezone")
        value = value.astimezone(UTC)
        # SQLite stores the text form; without the offset it sorts and compares correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every KEHA model; a model's docstring becomes its table's comment."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # One source of truth for what a table is for: the docstring, shown by the reference
        # and stored as the table comment on PostgreSQL.
        table = cls.__dict__.get("__table__")
        if table is not None and cls.__doc__:
            table.comment = " ".join(inspect.cleandoc(cls.__doc__).split())


class Provenance:
    """Columns every KEHA row carries: where it came from.

    A table whose rows each come from one source record adds :func:`unique_source` to its
    ``__table_args__``, so a re-run finds the row again by its source key.
    """

    # sort_order: the key first and the provenance last, around the table's own columns.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-100, comment="Surrogate key.")
    source_system: Mapped[str] = mapped_column(
        String(32),
        sort_order=100,
        comment="Where the row came from: online_service, partnership, or keha (seeded).",
    )
    source_key: Mapped[str] = mapped_column(
        Text,
        sort_order=100,
        comment="Stable key of the source record: a normalised URL or the platform's id.",
    )


def unique_source() -> UniqueConstraint:
    """The unique constraint on (source_system, source_key) of a one-record-one-row table."""
    return UniqueConstraint("source_system", "source_key")


def source_index() -> Index:
    """A plain index on the provenance of a table whose rows share a source record.

    Link and child rows (FAQ entries, asset links, ...) come many from one record; a loader
    finds them by that record's key to replace them together.
    """
    return Index(None, "source_system", "source_key")


def one_of(column: str, values: Sequence[str | int]) -> CheckConstraint:
    """A check constraint named after ``column`` that allows only ``values``."""
    allowed = ", ".join(repr(value) if isinstance(value, str) else str(value) for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)
