"""``python -m transfer.cli``: the same command as ``transfer``."""

from transfer.cli import main

main()
