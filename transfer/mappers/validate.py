"""The validator: reads every mapping file and reports every problem, not just the first.

It checks the file layout, processor names (with the nearest known name), processor keys
(unknown, missing, wrong type, bad value), target tables and columns against the KEHA
schema (unknown columns, required columns left out), lookup files and the mapping ids
that ``lookup`` steps refer to. :func:`load_mappings` and :func:`check_mappings` are the
entry points.

A mapping file may ``extends:`` a file of its folder (:func:`transfer.yamlfile.load_extending`):
``drop:``, ``optional:`` and ``allow_empty:`` merge entry by entry, other keys replace.
Files whose name starts with ``_`` are such shared bases, read only through ``extends:``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Table

from transfer import yamlfile
from transfer.errors import ConfigError, MappingError
from transfer.mappers import processors  # noqa: F401 - registers the processors
from transfer.mappers.lookups import LOOKUP_DIR, lookup_files
from transfer.mappers.mapping import Chain, Declared, Exclude, Mapping, Step
from transfer.mappers.paths import path_problem
from transfer.mappers.references import Lookup
from transfer.mappers.registry import REGISTRY, Processor, normalise_config
from transfer.mappers.values import StaticMap
from transfer.schema import metadata
from transfer.yamlfile import MappingProblems, Problem, load_extending, ordered, suggest

#: YAML files in a source folder that are not mapping files.
NOT_MAPPINGS = frozenset({"profile.yml", "personal_data.yml", "url_plan.yml"})
#: Columns the engine fills itself: the surrogate key and the provenance.
ENGINE_COLUMNS = frozenset({"id", "source_system", "source_key"})
#: Keys whose mappings a file merges with those of the file it ``extends:``.
MERGED_KEYS = frozenset({"drop", "optional", "allow_empty"})
TOP_KEYS = frozenset(
    {
        "source",
        "kinds",
        "targets",
        "skip",
        "description",
        "drop",
        "optional",
        "allow_empty",
        "exclude",
    }
)
EXCLUDE_KEYS = frozenset({"path", "values", "reason"})
TARGET_KEYS = frozenset({"target", "name", "key", "each", "columns", "description"})

KeyPath = yamlfile.KeyPath
FIX_MAPPINGS = "fix the files named above, then run `transfer mappings check`"


def mapping_files(mappings_dir: Path) -> list[Path]:
    """The mapping files under ``mappings_dir``: ``*.yml`` of the source folders, except
    source profiles and other known non-mapping files, shared bases (``_*.yml``) and the
    lookup folders."""
    files = []
    for path in sorted(mappings_dir.rglob("*.yml")):
        if path.name in NOT_MAPPINGS or path.name.startswith("_"):
            continue
        if LOOKUP_DIR in path.relative_to(mappings_dir).parts:
            continue
        files.append(path)
    return files


def required_columns(table: Table) -> set[str]:
    """Columns a row must set: not nullable, without a default, not filled by the engine."""
    return {
        column.name
        for column in table.columns
        if not column.nullable
        and column.default is None
        and column.server_default is None
        and column.name not in ENGINE_COLUMNS
    }


class _FileCheck:
    """Checks one file, collecting problems and building its mappings."""

    def __init__(self, path: Path, data: Any, located: yamlfile.Located, lookups: set[str]) -> None:
        self.path, self.data, self.located, self.lookups = path, data, located, lookups
        self.problems: list[Problem] = []
        self.mappings: list[Mapping] = []
        self.references: list[tuple[str, KeyPath]] = []

    def problem(self, key_path: KeyPath, message: str) -> None:
        file, line = self.located.locate(key_path)
        self.problems.append(Problem(file, line, message, yamlfile.format_key(key_path)))

    def run(self, folder: str) -> None:
        data = self.data
        if not isinstance(data, dict):
            self.problem((), "a mapping file must be a YAML mapping with source, kinds, targets")
            return
        for key in data:
            if key not in TOP_KEYS:
                self.problem((key,), f"unknown key {key!r}{suggest(key, sorted(TOP_KEYS))}")
        source = data.get("source")
        if not isinstance(source, str):
            self.problem(("source",), "source: must name the source system (a string)")
        elif source != folder:
            self.problem(("source",), f"source {source!r} differs from its folder {folder!r}")
        kinds = data.get("kinds")
        if not (isinstance(kinds, list) and kinds and all(isinstance(k, str) for k in kinds)):
            self.problem(("kinds",), "kinds: must be a non-empty list of source kinds")
            kinds = []
        has_targets, skip = "targets" in data, data.get("skip")
        if has_targets == ("skip" in data):
            self.problem((), "give either targets: (what to map to) or skip: (a reason)")
            return
        allow_empty = self.declared("allow_empty")
        common: dict[str, Any] = {
            "file": self.path,
            "source": str(source),
            "kinds": tuple(kinds),
            "drops": self.declared("drop", fields_only=True, globs=True),
            "optional": self.declared("optional", fields_only=True),
            "allow_empty": allow_empty,
            "excludes": self.excludes(),
            "declared_at": self.declared_at(),
        }
        if not has_targets:
            if not isinstance(skip, str) or not skip.strip():
                self.problem(("skip",), "skip: must be the reason, as text")
                return
            self.mappings.append(
                Mapping(
                    id=f"{folder}/{self.path.stem}",
                    target=None,
                    key=None,
                    columns=(),
                    skip=skip.strip(),
                    where=self.located.where(("skip",)),
                    **common,
                )
            )
            return
        targets = data["targets"]
        if not isinstance(targets, list) or not targets:
            self.problem(("targets",), "targets: must be a non-empty list of target blocks")
            return
        for index, block in enumerate(targets):
            self.target(folder, ("targets", index), block, common)
        columns = {chain.column for mapping in self.mappings for chain in mapping.columns}
        for declared in allow_empty:
            if declared.path not in columns:
                self.problem(
                    ("allow_empty", declared.path),
                    f"allow_empty: {declared.path!r} is no column of this file"
                    f"{suggest(declared.path, sorted(columns))}",
                )

    def declared_at(self) -> str:
        """``file:line`` of the ``drop:`` block (in the file that holds it), else of
        ``kinds:``: where an undeclared field is to be declared."""
        file, line = self.located.locate((self.declare_key(),))
        return f"{file}:{line}"

    def declare_key(self) -> str:
        """Where a field is to be declared: the ``drop:`` block, else ``kinds:``."""
        return "drop" if isinstance(self.data, dict) and "drop" in self.data else "kinds"

    def declared(
        self, key: str, *, fields_only: bool = False, globs: bool = False
    ) -> tuple[Declared, ...]:
        """``key:`` as a mapping of a path (or column) to the reason, checked."""
        raw = self.data.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            self.problem((key,), f"{key}: must map each path to the reason, as text")
            return ()
        found: list[Declared] = []
        for path, reason in raw.items():
            at = (key, path)
            if not isinstance(reason, str) or not reason.strip():
                self.problem(at, f"{key}: {path!r} needs the reason, as text")
                continue
            if fields_only:
                problem = None
                if not (path == "fields" or path.startswith("fields.")):
                    problem = f"must be a source field: a path under fields. (fields.{path}?)"
                elif not globs and "*" in path:
                    problem = "must be a path, not a pattern"
                elif (why := path_problem(path)) is not None:
                    problem = f"is not a path: {why}"
                if problem is not None:
                    self.problem(at, f"{key}: {path!r} {problem}")
                    continue
            found.append(Declared(str(path), reason.strip(), self.located.where(at)))
        return tuple(found)

    def excludes(self) -> tuple[Exclude, ...]:
        """``exclude:`` rules: a list of {path, values, reason}."""
        raw = self.data.get("exclude")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(("exclude",), "exclude: must be a list of {path, values, reason}")
            return ()
        found: list[Exclude] = []
        for index, rule in enumerate(raw):
            at: KeyPath = ("exclude", index)
            if not isinstance(rule, dict) or set(rule) != EXCLUDE_KEYS:
                self.problem(at, "an exclude rule has exactly path:, values: and reason:")
                continue
            path, values, reason = rule["path"], rule["values"], rule["reason"]
            problem = path_problem(path) if isinstance(path, str) else "not a string"
            if problem is not None:
                self.problem((*at, "path"), f"exclude: path {problem}")
            elif not isinstance(values, list) or not values:
                self.problem((*at, "values"), "exclude: values must be a non-empty list")
            elif not isinstance(reason, str) or not reason.strip():
                self.problem((*at, "reason"), "exclude: reason must be the reason, as text")
            else:
                found.append(
                    Exclude(
                        path,
                        tuple(str(v) for v in values),
                        reason.strip(),
                        self.located.where(at),
                    )
                )
        return tuple(found)

    def target(self, folder: str, at: KeyPath, block: Any, common: dict[str, Any]) -> None:
        if not isinstance(block, dict):
            self.problem(at, "a target block must be a mapping with target: and columns:")
            return
        for key in block:
            if key not in TARGET_KEYS:
                self.problem((*at, key), f"unknown key {key!r}{suggest(key, sorted(TARGET_KEYS))}")
        table_name = block.get("target")
        table = metadata.tables.get(table_name) if isinstance(table_name, str) else None
        if table is None:
            known = sorted(metadata.tables)
            hint = suggest(str(table_name), known) if isinstance(table_name, str) else ""
            self.problem((*at, "target"), f"unknown target table {table_name!r}{hint}")
        each = block.get("each")
        if each is not None and not isinstance(each, str):
            self.problem((*at, "each"), "each: must be a path to a list (see get)")
            each = None
        raw_key = block.get("key", "key")
        raw_key = [{"get": raw_key}] if isinstance(raw_key, str) else raw_key
        key_chain = self.chain("source_key", (*at, "key"), raw_key)
        columns = block.get("columns")
        chains: list[Chain] = []
        if not isinstance(columns, dict) or not columns:
            self.problem((*at, "columns"), "columns: must map target columns to chains")
            columns = {}
        for column, raw in columns.items():
            where = (*at, "columns", column)
            if table is not None and column in ENGINE_COLUMNS:
                self.problem(where, f"{column} is set by the engine (from key:); leave it out")
            elif table is not None and column not in table.columns:
                known = [c.name for c in table.columns if c.name not in ENGINE_COLUMNS]
                self.problem(
                    where, f"unknown column {column!r} of {table.name}{suggest(column, known)}"
                )
            chain = self.chain(column, where, raw)
            if chain is not None:
                chains.append(chain)
        if table is not None:
            for column in sorted(required_columns(table) - set(columns)):
                self.problem(
                    (*at, "columns"), f"required column {column!r} of {table.name} is missing"
                )
        name = block.get("name", table_name)
        self.mappings.append(
            Mapping(
                id=f"{folder}/{self.path.stem}.{name}",
                target=table.name if table is not None else None,
                key=key_chain,
                columns=tuple(chains),
                each=each,
                where=self.located.where(at),
                **common,
            )
        )

    def chain(self, column: str, at: KeyPath, raw: Any) -> Chain | None:
        if isinstance(raw, dict | str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            self.problem(at, "a chain must be a list of processor steps, like `- get: key`")
            return None
        steps = [self.step((*at, index), item) for index, item in enumerate(raw)]
        found = tuple(step for step in steps if step is not None)
        return Chain(column, found, self.located.where(at)) if len(found) == len(steps) else None

    def step(self, at: KeyPath, item: Any) -> Step | None:
        if isinstance(item, str):
            item = {item: None}
        if not isinstance(item, dict) or len(item) != 1:
            self.problem(at, "a step must be one `processor: configuration` pair")
            return None
        ((name, raw),) = item.items()
        cls = REGISTRY.get(name)
        if cls is None:
            self.problem(
                (*at, name), f"unknown processor {name!r}{suggest(name, sorted(REGISTRY))}"
            )
            return None
        config = normalise_config(cls, raw)
        if config is None:
            self.problem((*at, name), f"{name} takes a mapping of keys, not {raw!r}")
            return None
        declared = {key.name: key for key in cls.keys}
        ok = True
        for key, value in config.items():
            spec = declared.get(key)
            if spec is None:
                hint = suggest(key, sorted(declared)) or f" (keys: {', '.join(declared) or 'none'})"
                self.problem((*at, name, key), f"unknown key {key!r} of {name}{hint}")
                ok = False
            elif not spec.accepts(value):
                wanted = spec.type_name()
                if spec.choices:
                    wanted = "one of " + ", ".join(str(choice) for choice in spec.choices)
                self.problem((*at, name, key), f"{name}.{key} must be {wanted}, not {value!r}")
                ok = False
        for spec in cls.keys:
            if spec.required and spec.name not in config:
                self.problem((*at, name), f"{name} needs the key {spec.name!r}")
                ok = False
        if not ok:
            return None
        for bad_key, message in cls.check(config):
            self.problem((*at, name, *((bad_key,) if bad_key else ())), f"{name}: {message}")
            ok = False
        if cls is StaticMap and "map_file" in config and config["map_file"] not in self.lookups:
            known = sorted(self.lookups)
            hint = suggest(config["map_file"], known) or f" (known: {', '.join(known) or 'none'})"
            self.problem(
                (*at, name, "map_file"), f"unknown lookup file {config['map_file']!r}{hint}"
            )
            ok = False
        if cls is Lookup:
            migrations = config["migration"]
            for migration in [migrations] if isinstance(migrations, str) else migrations:
                self.references.append((migration, (*at, name, "migration")))
        return Step(name, cls(config), self.located.where(at)) if ok else None


def validate_dir(mappings_dir: Path) -> tuple[list[Mapping], list[Problem]]:
    """The mappings under ``mappings_dir`` and every problem found in them."""
    lookups = set(lookup_files(mappings_dir))
    mappings: list[Mapping] = []
    problems: list[Problem] = []
    checks: list[_FileCheck] = []
    if not mappings_dir.is_dir():
        return [], [Problem(mappings_dir, 1, "the mappings folder does not exist", "(top)")]
    for path in mapping_files(mappings_dir):
        try:
            data, located, chain_problems = load_extending(path, MERGED_KEYS)
        except ConfigError as exc:
            line = int(exc.where.rsplit(":", 1)[-1]) if exc.where.count(":") else 1
            problems.append(Problem(path, line, exc.what, "(top)"))
            continue
        problems.extend(chain_problems)
        check = _FileCheck(path, data, located, lookups)
        parts = path.relative_to(mappings_dir).parts
        check.run(parts[0] if len(parts) > 1 else mappings_dir.resolve().name)
        checks.append(check)
        mappings.extend(check.mappings)
    ids = sorted(mapping.id for mapping in mappings if mapping.target is not None)
    claimed: dict[tuple[str, str, str | None], Path] = {}
    for check in checks:
        for migration, at in check.references:
            if migration not in ids:
                check.problem(at, f"unknown migration {migration!r}{suggest(migration, ids)}")
        for mapping in check.mappings:
            for kind in mapping.kinds:
                slot = (mapping.source, kind, mapping.target)
                if slot in claimed and claimed[slot] != mapping.file:
                    check.problem(
                        ("kinds",), f"{kind} → {mapping.target} is also mapped in {claimed[slot]}"
                    )
                claimed.setdefault(slot, mapping.file)
        problems.extend(check.problems)
    return mappings, ordered(problems)


def check_mappings(mappings_dir: Path) -> list[Problem]:
    """Every problem of every mapping file under ``mappings_dir``, in file and line order.

    An empty list means :func:`load_mappings` will succeed. Nothing is mapped or written.
    """
    return validate_dir(mappings_dir)[1]


def load_mappings(mappings_dir: Path) -> list[Mapping]:
    """All mappings under ``mappings_dir``, validated first.

    Raises :class:`MappingError` listing every problem (file, line, key) when any file is
    wrong, so that nothing runs on a half-valid set.
    """
    mappings, problems = validate_dir(mappings_dir)
    if problems:
        raise MappingProblems(problems, "the mapping files", FIX_MAPPINGS)
    return mappings


def build_step(name: str, config: object = None) -> Processor:
    """One configured processor, checked as a mapping file would check it.

    For tests and Python callers: raises :class:`MappingError` listing every problem.
    """
    check = _FileCheck(Path("<python>"), None, yamlfile.Located(Path("<python>")), set())
    check.lookups = _AnyName()
    step = check.step((), {name: config})
    if step is None:
        raise MappingError(
            "; ".join(f"{problem.key}: {problem.message}" for problem in check.problems),
            where=f"processor {name}",
            next_step="see mappings/README.md for its keys",
        )
    return step.processor


class _AnyName(set[str]):
    """Lookup names are not checked outside a mappings folder."""

    def __contains__(self, name: object) -> bool:
        return True
