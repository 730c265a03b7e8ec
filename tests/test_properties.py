"""Property-based tests (Hypothesis): user input never crashes kalog (issue 16).

Random and mutated real inputs - the keepalived.conf reader, the settings
reader and the command-line options - raise nothing but kalog's documented
errors: `kalog.config.ConfigError`, `kalog.check.settings.SettingsError`,
and on the command line exit code 0, 1 or 2 with one-line messages, never
`internal error` or a traceback.  The seeds are the repo's real configs and
logs.

Bounded to a few seconds in the suite (derandomized: the same examples on
every run); KALOG_FUZZ_EXAMPLES=2000 runs longer, with fresh randomness.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kalog.check.registry import load_rules  # noqa: E402
from kalog.check.settings import SettingsError, load_settings  # noqa: E402
from kalog.cli import main  # noqa: E402
from kalog.config import ConfigError, KeepalivedConfig, parse_config  # noqa: E402
from tests.conftest import (  # noqa: E402
    CORPUS,
    DATA,
    LAB,
    SEED,
    assert_same_frame,
    streamed_frame,
)

_LONG = int(os.environ.get("KALOG_FUZZ_EXAMPLES", "0"))


def bounded(examples: int) -> settings:
    """`examples` in the suite, deterministic; KALOG_FUZZ_EXAMPLES for a long random run."""
    return settings(
        max_examples=_LONG or examples,
        deadline=None,
        derandomize=not _LONG,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )


# -- keepalived.conf ----------------------------------------------------------------

CONFIGS = sorted(
    [
        *SEED.glob("*.conf"),
        *LAB.glob("*/*.conf"),
        DATA / "configs" / "features.conf",
        *(DATA / "configs" / "debian").glob("keepalived.conf.*"),
    ]
)
CONFIG_TEXTS = [path.read_text(encoding="utf-8", errors="replace") for path in CONFIGS]
#: words a keepalived.conf is made of, values that are right and wrong
CONFIG_WORDS = [
    "vrrp_instance",
    "vrrp_script",
    "vrrp_sync_group",
    "track_script",
    "track_interface",
    "track_file",
    "virtual_ipaddress",
    "global_defs",
    "state",
    "MASTER",
    "BACKUP",
    "priority",
    "weight",
    "reverse",
    "interval",
    "advert_int",
    "virtual_router_id",
    "nopreempt",
    "preempt_delay",
    "version",
    "group",
    "script",
    "{",
    "}",
    '"',
    "#",
    "!",
    "@id",
    "@^id",
    "$X=1",
    "$X",
    "${X}",
    "\\",
    "\n",
    "0",
    "1",
    "255",
    "256",
    "-254",
    "abc",
    "2.5",
    "vi_1",
    "eth0",
    "10.0.0.1/24",
    "dev",
]


def _mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, delete, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + delete :]
    return text


_EDITS = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.integers(0, 12),
        st.one_of(st.sampled_from(CONFIG_WORDS), st.text(max_size=6)).map(lambda w: f" {w} "),
    ),
    max_size=6,
)


def _parse(text: str, base: Path, strict: bool) -> None:
    try:
        config = parse_config(text, source=str(base / "k.conf"), base_dir=base, strict=strict)
    except ConfigError as exc:
        assert exc.file and isinstance(exc.line, int) and "\n" not in exc.message
        return
    assert isinstance(config, KeepalivedConfig)
    for file, line, message in config.invalid:
        assert isinstance(file, str) and line >= 1 and message
    assert not strict or not config.invalid


@bounded(120)
@given(index=st.integers(0, len(CONFIG_TEXTS) - 1), edits=_EDITS, strict=st.booleans())
def test_mutated_real_configs_raise_only_config_errors(
    index: int, edits: list[tuple[int, int, str]], strict: bool
) -> None:
    text = _mutate(CONFIG_TEXTS[index], edits)
    if "include" in text:  # an include reads files of this machine: test_config covers it
        text = text.replace("include", "includ")
    with tempfile.TemporaryDirectory() as base:
        _parse(text, Path(base), strict)


@bounded(120)
@given(
    words=st.lists(st.one_of(st.sampled_from(CONFIG_WORDS), st.text(max_size=8)), max_size=40),
    strict=st.booleans(),
)
def test_random_configs_raise_only_config_errors(words: list[str], strict: bool) -> None:
    text = " ".join(words).replace("include", "includ")
    with tempfile.TemporaryDirectory() as base:
        _parse(text, Path(base), strict)


# -- settings --------------------------------------------------------------------------

SPECS = load_rules()
SETTINGS_SEEDS = [
    'select = ["KA0", "split-brain"]\nignore = ["KA901"]\nfail_on = "error"\n'
    '[rules.KA102]\nseverity = "error"\nmax_changes = 4\n',
    '[tool.kalog]\nselect = ["ALL"]\nfail_on = "never"\n[tool.kalog.rules.flapping]\n'
    "window_seconds = 30\n",
    '[project]\nname = "lab"\n[tool.kalog]\nignore = "KA1"\n',
]
SETTINGS_WORDS = [
    "select",
    "ignore",
    "fail_on",
    "rules",
    "severity",
    "[tool.kalog]",
    "[rules.KA102]",
    "[tool.kalog.rules.KA901]",
    "=",
    '"',
    "[",
    "]",
    ",",
    "\n",
    "KA102",
    "flapping",
    "max_changes",
    "window_seconds",
    "true",
    "1.5",
    "-3",
    '"error"',
    '"bogus"',
    "{",
    "}",
    "tool",
    "kalog",
]

_TOML_VALUES = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False),
        st.text(max_size=10),
        st.sampled_from(["KA102", "flapping", "error", "ALL", "KA1"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["severity", "max_changes", "window_seconds", "x", "KA102"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=8,
)


def _load(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    try:
        load_settings(path).resolve(SPECS)
    except SettingsError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))


@bounded(120)
@given(
    index=st.integers(0, len(SETTINGS_SEEDS) - 1),
    edits=st.lists(
        st.tuples(
            st.integers(0, 500),
            st.integers(0, 8),
            st.one_of(st.sampled_from(SETTINGS_WORDS), st.text(max_size=5)),
        ),
        max_size=5,
    ),
    name=st.sampled_from(["kalog.toml", "pyproject.toml"]),
)
def test_mutated_settings_raise_only_settings_errors(
    index: int, edits: list[tuple[int, int, str]], name: str
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        _load(Path(directory), name, _mutate(SETTINGS_SEEDS[index], edits))


@bounded(150)
@given(
    table=st.dictionaries(
        st.sampled_from(["select", "ignore", "fail_on", "rules", "other"]), _TOML_VALUES
    ),
    name=st.sampled_from(["kalog.toml", "pyproject.toml"]),
)
def test_random_settings_tables_raise_only_settings_errors(table: dict, name: str) -> None:
    def dump(value: object) -> str:  # a TOML inline value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value) if value == value and abs(value) != float("inf") else "0.0"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
        if isinstance(value, list):
            return "[" + ", ".join(dump(v) for v in value) + "]"
        return "{" + ", ".join(f'"{k}" = {dump(v)}' for k, v in value.items()) + "}"

    body = "".join(f"{key} = {dump(value)}\n" for key, value in table.items())
    text = f"[tool.kalog]\n{body}" if name == "pyproject.toml" else body
    with tempfile.TemporaryDirectory() as directory:
        _load(Path(directory), name, text)


# -- the command line ------------------------------------------------------------------

LOG = str(SEED / "ex1-A-backup-99.log")
OPTIONS = [
    ["--year", "2014"],
    ["--year", "1969"],
    ["--year", "x"],
    ["--tz", "Europe/Paris"],
    ["--tz", "Mars/Base"],
    ["--host", "lb1"],
    ["--host", ""],
    ["--config", f"192_168_173_203={SEED / 'ex1-A.conf'}"],
    ["--config", f"192_168_173_203={SEED / 'ex2-B.conf'}"],
    ["--config", f"lb9={SEED / 'ex1-B.conf'}"],
    ["--config", "nonsense"],
    ["--config", "h=/no/such.conf"],
    ["--peer", "192.168.173.204=lb2"],
    ["--peer", "x"],
    ["--keepalived-version", "1.2"],
    ["--keepalived-version", "9.9.9"],
    ["--select", "KA1"],
    ["--select", "nope"],
    ["--ignore", "KA002,KA901"],
    ["--severity", "KA102=error"],
    ["--severity", "KA102"],
    ["--fail-on", "info"],
    ["--expect", "1.2"],
    ["--expect", "7"],
    ["--format", "json"],
    ["--format", "sarif"],
    ["--format", "junit"],
    ["--format", "github"],
    ["--format", "xml"],
    ["-o", "-"],
    ["-o", "out.json"],
    ["-o", "out.sarif"],
    ["-o", "missing/out.txt"],
    ["--width", "20"],
    ["--width", "120"],
    ["--statistics"],
    ["--show-settings"],
    ["--color", "always"],
    ["--color", "sometimes"],
    ["--allow-empty"],
    ["--include", "*.log"],
    ["-v"],
    ["-q"],
    ["--settings", "/no/such.toml"],
    ["--rules", "/no/such/dir"],
    ["--"],
]


@bounded(40)
@given(
    picks=st.lists(st.sampled_from(OPTIONS), max_size=5),
    command=st.sampled_from(["analyze", "timeline", "events"]),
    path=st.sampled_from([LOG, str(SEED), "/no/such.log", "-"]),
)
def test_option_combinations_exit_cleanly(
    picks: list[list[str]], command: str, path: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    args = [command, path, *(word for pick in picks for word in pick)]
    runner = CliRunner()
    # a fresh working directory per example (-o FILE lands there); not click's
    # isolated_filesystem, which Click 9 removes
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as where:
        previous = os.getcwd()
        os.chdir(where)
        try:
            result = runner.invoke(main, args, input="")
        finally:
            os.chdir(previous)
    assert result.exit_code in (0, 1, 2), (args, result.output)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "internal error" not in result.stderr, (args, result.stderr)
    assert "Traceback" not in result.stderr
    for line in result.stderr.splitlines():
        if line.startswith("kalog: error:"):
            assert len(line) < 400


# -- the event stream --------------------------------------------------------------------

#: real logs to cut into blocks: year-less syslog of two hosts, ISO 8601
#: with UTC offsets, bare lines without a time
STREAM_LOGS = {
    "syslog": [*(SEED / "ex1-A-backup-99.log").read_text().splitlines(keepends=True)]
    + [*(SEED / "ex1-B-master-100.log").read_text().splitlines(keepends=True)],
    "iso": (LAB / "split-brain/node-a.log").read_text().splitlines(keepends=True)
    + (LAB / "split-brain/node-b.log").read_text().splitlines(keepends=True),
}
UNTIMED = (DATA / "pastes/no-time.log").read_text().splitlines(keepends=True)[:1]
#: why the stream may refuse such inputs (it reads them whole)
STREAM_REFUSALS = {
    "lines out of time order",  # out of order, with a line without a time
    "timestamps of two kinds",  # lines without a time in an input with UTC offsets
}


@bounded(20)
@given(
    log=st.sampled_from(sorted(STREAM_LOGS)),
    cuts=st.lists(st.integers(min_value=0, max_value=120), max_size=6),
    order=st.randoms(use_true_random=False),
    untimed=st.booleans(),
    window=st.integers(min_value=1, max_value=24),
    tz=st.sampled_from([None, "Europe/Paris", "America/New_York"]),
    second=st.sampled_from([None, "three-stop/node-c.log", "011.log"]),
)
def test_blocks_of_real_logs_stream_as_read_whole(
    log: str, cuts: list[int], order, untimed: bool, window: int, tz: str | None, second: str | None
) -> None:
    """Real lines cut into blocks in any order (a central syslog's), maybe
    a line without a time, in windows of any size, with or without a zone,
    alone or with another input (with UTC offsets, or year-less of another
    year): `kalog.ingest.stream` gives the whole read's frame and stats, or
    says why it reads it whole."""
    from kalog.ingest import stream
    from kalog.ingest.frame import read_events

    lines = STREAM_LOGS[log]
    bounds = sorted({0, len(lines), *(cut % (len(lines) + 1) for cut in cuts)})
    blocks = [lines[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    order.shuffle(blocks)
    mixed = [line for block in blocks for line in block]
    if untimed:
        mixed.insert(len(mixed) // 2, UNTIMED[0])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "host" / "messages"
        path.parent.mkdir()
        path.write_text("".join(mixed))
        stamp = 1_735_700_000  # 2025-01-01: the year-less lines are of 2024
        os.utime(path, (stamp, stamp))
        others = {
            "three-stop/node-c.log": LAB / "three-stop/node-c.log",
            "011.log": CORPUS / "011.log",
        }
        paths = [str(path)] + ([str(others[second])] if second else [])
        old = stream.WINDOW_LINES
        stream.WINDOW_LINES = window
        try:
            why: list[str] = []
            events = stream.stream_events(paths, tz=tz, why=why)
            whole = read_events(paths, tz=tz, on_error="collect")
            if events is None:
                assert len(why) == 1 and why[0] in STREAM_REFUSALS, why
                assert untimed, why  # only a line without a time makes it refuse
                return
            try:
                assert_same_frame(streamed_frame(events), whole)
                assert events.stats == whole.attrs["stats"]
            finally:
                events.close()
        finally:
            stream.WINDOW_LINES = old
