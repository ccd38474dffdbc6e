"""Imports every processor module so that each registers itself with the registry."""

from __future__ import annotations

from transfer.mappers import flow, markup, references, text, trees, values
from transfer.mappers.registry import REGISTRY

__all__ = ["REGISTRY", "flow", "markup", "references", "text", "trees", "values"]
