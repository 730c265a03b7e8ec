"""Benchmark tooling: a deterministic syslog generator and a timing runner.

Not part of the installed package; run from the repository root as
`python -m bench.generate` and `python -m bench.run`.
"""
