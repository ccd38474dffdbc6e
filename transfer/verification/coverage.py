"""The coverage check: what the source had either arrived or was left out on purpose.

It reads what the map stage kept with its pass (the source-field inventory, the coverage
summary and each record's notes) and proves, against the staged source records:

- every source field that carries values is read by a mapping or dropped with a reason
  (an **undeclared field** is an error: a new field of the source would vanish silently);
- no column is left empty where the mapped source path had a value (a **lost value** is an
  error unless declared: by the personal-data policy, or under ``allow_empty:`` with the
  reason); together with the fidelity check (the target equals the mapped rows) this proves
  the target against the source;
- records skipped by rule are counted per rule, and what they held is accounted for.

It also returns the data of the report's section "What did not come across".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from transfer.stores.mapped import MappedStore
from transfer.verification.collect import CheckCollector

#: Example record keys kept per lost column.
EXAMPLES = 3


def check_coverage(store: MappedStore, check: CheckCollector) -> dict[str, Any]:
    """Run the coverage check on the mapped store's last complete pass; return the
    report section (dropped fields, skipped records, lost values, undeclared fields)."""
    pass_id = store.last_complete_pass()
    data = store.coverage(pass_id) if pass_id is not None else None
    if data is None:
        check.problem(
            "no_inventory",
            "mapped store",
            "the map stage kept no source-field inventory for its last pass (a store mapped "
            "by an older version): run `transfer map` again",
        )
        return {}
    inventory: dict[str, Any] = data.get("inventory", {})
    fields = sum(len(entry["fields"]) for entry in inventory.values())
    check.count("source_fields", fields)
    check.count("records_surveyed", sum(entry["records"] for entry in inventory.values()))
    for item in data.get("undeclared", []):
        check.problem(
            "undeclared_field",
            f"{item['source']}/{item['kind']} {item['path']}",
            f"{item['values']} record(s) carry a value in {item['path']}, which no mapping "
            f"reads and none drops: declare it at {item['where']} (read it, or drop: it with "
            "the reason)",
            values=item["values"],
            where=item["where"],
            examples="; ".join(item.get("examples") or []),
        )
    lost = _lost(store, pass_id or 0, data.get("allow_empty", {}))
    for entry in lost:
        if entry["declared"] is not None:
            check.count("values_not_carried_declared", entry["count"])
            continue
        check.problem(
            "lost_value",
            f"{entry['mapping']}.{entry['column']}",
            f"{entry['count']} record(s) had a value in {entry['path']} and their "
            f"{entry['column']} is empty: fix the chain, or declare it under allow_empty: "
            "with the reason",
            count=entry["count"],
            path=entry["path"],
            examples=", ".join(entry["examples"]),
        )
    dropped = [item for item in data.get("dropped", []) if item["values"]]
    check.count("fields_dropped", sum(item["fields"] for item in dropped))
    reasons = store.skip_reasons()
    skipped = [
        {"source": system, "kind": kind, "reason": reason, "records": n}
        for system, kind, reason, n in reasons
    ]
    check.count("records_skipped_by_rule", sum(n for *_, n in reasons))
    for item in data.get("unmatched", []):
        check.problem(
            "optional_path_absent",
            f"{item['source']}/{item['kind']} {item['path']}",
            f"no staged record has {item['path']} (declared optional: {item['optional']})",
            info=True,
        )
    return {
        "dropped": dropped,
        "skipped": skipped,
        "lost": lost,
        "undeclared": data.get("undeclared", []),
        "kinds": [
            {
                "source": name.split("/", 1)[0],
                "kind": name.split("/", 1)[1],
                "records": entry["records"],
                "fields": len(entry["fields"]),
            }
            for name, entry in sorted(inventory.items())
        ],
    }


def _lost(
    store: MappedStore, pass_id: int, allowed: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """Lost values of the pass by (mapping, column, path, cause), declared or not."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    examples: dict[tuple[str, str, str, str], list[str]] = {}
    for record_key, note in store.notes(pass_id):
        if note[0] != "lost":
            continue
        mapping, column, path, cause = note[1:5]
        key = (mapping, column, path, cause)
        counts[key] += 1
        shown = examples.setdefault(key, [])
        if len(shown) < EXAMPLES:
            shown.append(record_key)
    found = []
    for (mapping, column, path, cause), count in sorted(counts.items()):
        declared = cause or allowed.get(mapping, {}).get(column)
        found.append(
            {
                "mapping": mapping,
                "column": column,
                "path": path,
                "count": count,
                "declared": declared or None,
                "examples": examples[(mapping, column, path, cause)],
            }
        )
    return found
