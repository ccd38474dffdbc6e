"""Mappers: turn source records into KEHA rows through declarative mapping files.

``load_mappings``/``check_mappings`` read and validate ``mappings/``; ``map_record`` and
``map_rows`` apply one mapping to one record; processors are registered by name in
``registry`` (see ``mappings/README.md``). The services the map stage provides
(id map, URL plan, planned values) are the Protocols in ``context``.
"""

from __future__ import annotations

from transfer.mappers import processors as _processors
from transfer.mappers.context import (
    Context,
    LinkMapper,
    MapContext,
    MapNotes,
    PlanValues,
    ReferenceResolver,
)
from transfer.mappers.engine import Skip, map_record, map_rows
from transfer.mappers.lookups import load_lookups
from transfer.mappers.mapping import Mapping, mappings_for
from transfer.mappers.references import PLAN_VALUES
from transfer.mappers.registry import (
    REGISTRY,
    Key,
    Processor,
    ProcessorError,
    SkipRecord,
    processor,
)
from transfer.mappers.validate import check_mappings, load_mappings
from transfer.yamlfile import Problem

del _processors

__all__ = [
    "PLAN_VALUES",
    "REGISTRY",
    "Context",
    "Key",
    "LinkMapper",
    "MapContext",
    "MapNotes",
    "Mapping",
    "PlanValues",
    "Problem",
    "Processor",
    "ProcessorError",
    "ReferenceResolver",
    "Skip",
    "SkipRecord",
    "check_mappings",
    "load_lookups",
    "load_mappings",
    "map_record",
    "map_rows",
    "mappings_for",
    "processor",
]
