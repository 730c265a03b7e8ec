"""The README's two commands are what a fresh machine and CI run."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_opens_with_install_run_and_test_commands() -> None:
    run, test = _commands()
    assert run.startswith("pip install . && kalog ")
    assert test == "pip install -e '.[test]' && python3 -m pytest -q -rs"


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _run, test = _commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m pip install -q -e '.[test]' && python3 -m pytest -q -rs" in ci
    assert test.replace("pip install", "python3 -m pip install -q") in ci


def test_readme_sample_paths_exist() -> None:
    run, _test = _commands()
    for path in re.findall(r"(samples/\S+?\.(?:log|conf))", run):
        assert (ROOT / path).is_file(), path
