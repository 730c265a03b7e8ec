"""The rule engine: what a rule sees, how rules are found, run and configured.

`findings` defines the finding record, the rule spec and the registry that
loads the rule modules (the repo's `rules/` and user rule folders);
`rulekit` holds the helpers rules share (segment tables, evidence, times);
`analysis` runs the rules over one replayed timeline; `settings` reads
`[tool.kalog]` / `kalog.toml`.  One rule per module in `rules/`
(docs/rules.md).
"""
