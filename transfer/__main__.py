"""``python -m transfer``: the same command line as the ``transfer`` script.

The cutover executor runs ``transfer …`` steps this way, with the interpreter it runs
under, so a step never picks up another installation's ``transfer`` from PATH.
"""

from transfer.cli import main

main()
