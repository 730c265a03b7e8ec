"""`python -m kalog ...`: the `kalog` command, where the executable is not on PATH."""

from kalog.cli import run

run()
