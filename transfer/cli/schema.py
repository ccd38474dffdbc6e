"""``transfer schema``: the KEHA target schema's revisions (Alembic)."""

from __future__ import annotations

import click

from transfer import ui
from transfer.cli.root import CliState, pass_state, target_engine
from transfer.runs import Run


@click.group()
def schema() -> None:
    """The KEHA target schema: versions and migrations (Alembic)."""


@schema.command("upgrade")
@click.option(
    "--revision", default="head", show_default=True, help="Schema revision to migrate to."
)
@pass_state
def schema_upgrade(state: CliState, revision: str) -> None:
    """Create or migrate the KEHA tables in the target database."""
    from transfer.database import display_url
    from transfer.schema.versioning import current_revision, upgrade

    engine = target_engine(state)
    with Run("schema upgrade", state.settings().logs_dir) as run:
        before = current_revision(engine)
        upgrade(engine, revision)
        after = current_revision(engine)
        run.events.emit(
            "schema", "upgraded", before=before, after=after, target=display_url(engine.url)
        )
    ui.say(f"{display_url(engine.url)}: schema {before or 'empty'} -> {after}")


@schema.command("status")
@pass_state
def schema_status(state: CliState) -> None:
    """Show the target's schema revision beside the newest one; exit 6 when behind."""
    from transfer.database import display_url
    from transfer.schema.versioning import check_current, current_revision, head_revision

    engine = target_engine(state)
    ui.say(
        f"target {display_url(engine.url)}: revision {current_revision(engine) or 'none'}, "
        f"newest {head_revision()}"
    )
    check_current(engine)


@schema.command("reference")
def schema_reference() -> None:
    """Print the schema reference (Markdown): every table, column and key."""
    from transfer.schema.reference import render_reference

    click.echo(render_reference(), nl=False)
