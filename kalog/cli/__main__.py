"""`python -m kalog.cli ...`: the `kalog` command (tests and the benchmark run it so)."""

from kalog.cli import run

run()
