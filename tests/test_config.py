"""kalog.config: keepalived.conf reader, on real configs (Debian's samples, the seed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kalog.config import (
    ConfigError,
    KeepalivedConfig,
    TrackRef,
    VirtualAddress,
    VrrpScript,
    load_config,
    parse_config,
)

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "tests" / "data" / "configs"
DEBIAN = CONFIGS / "debian"
SEED = ROOT / "samples" / "seed"

FEATURES = CONFIGS / "features.conf"
INCLUDE = CONFIGS / "include"
DEBIAN_FILES = sorted(DEBIAN.glob("keepalived.conf.*"))


# --- Debian's shipped sample configs ---------------------------------------------------------


def test_debian_samples_present() -> None:
    assert len(DEBIAN_FILES) == 25


@pytest.mark.parametrize("path", DEBIAN_FILES, ids=lambda p: p.name)
def test_debian_sample_parses(path: Path) -> None:
    cfg = load_config(path)
    assert isinstance(cfg, KeepalivedConfig)
    assert cfg.files == [str(path)]
    for inst in cfg.instances.values():
        assert inst.vrid is not None and 1 <= inst.vrid <= 255
        assert 1 <= inst.priority <= 255


def test_debian_vrrp_localcheck_scripts_and_weights() -> None:
    cfg = load_config(DEBIAN / "keepalived.conf.vrrp.localcheck")
    assert list(cfg.scripts) == [
        "chk_sshd",
        "chk_haproxy",
        "chk_http_port",
        "chk_https_port",
        "chk_smtp_port",
    ]
    assert cfg.scripts["chk_sshd"] == VrrpScript(
        name="chk_sshd",
        script="killall -0 sshd",
        interval=2.0,
        weight=-4,
        reverse=False,
        rise=2,
        fall=2,
        timeout=None,
        init_fail=False,
        source_file=str(DEBIAN / "keepalived.conf.vrrp.localcheck"),
        source_line=11,
    )
    assert cfg.scripts["chk_http_port"].script == "</dev/tcp/127.0.0.1/80"
    assert cfg.scripts["chk_haproxy"].weight == 0
    vi1 = cfg.instances["VI_1"]
    assert (vi1.state, vi1.interface, vi1.vrid, vi1.priority) == ("MASTER", "eth0", 51, 100)
    assert [(t.name, t.weight, t.weight_overridden) for t in vi1.track_scripts] == [
        ("chk_sshd", -4, False),
        ("chk_haproxy", 2, True),
        ("chk_http_port", -2, False),
        ("chk_https_port", -2, False),
        ("chk_smtp_port", -2, False),
    ]
    assert [(t.name, t.weight) for t in vi1.track_interfaces] == [
        ("eth1", 2),
        ("eth2", -2),
        ("eth3", 0),
    ]
    assert vi1.virtual_ipaddresses == ["192.168.200.18/25"]
    assert list(cfg.instances) == [f"VI_{i}" for i in range(1, 10)]
    assert cfg.warnings == []


def test_debian_vrrp_instances() -> None:
    cfg = load_config(DEBIAN / "keepalived.conf.vrrp")
    got = {
        n: (i.state, i.vrid, i.priority, i.priority_configured) for n, i in cfg.instances.items()
    }
    assert got == {
        "VI_1": ("MASTER", 51, 100, 100),
        "VI_2": (None, 50, 50, 50),
        "VI_3": ("MASTER", 52, 100, 100),
        "VI_4": (None, 53, 50, 50),
    }


def test_debian_sync_sample() -> None:
    cfg = load_config(DEBIAN / "keepalived.conf.vrrp.sync")
    assert {n: g.group for n, g in cfg.sync_groups.items()} == {
        "G1": ["VI_1", "VI_2", "VI_5", "VI_6", "VI_7", "VI_8", "VI_9"],
        "G2": ["VI_3", "VI_4"],
    }
    assert cfg.instances["VI_1"].sync_group == "G1"
    assert cfg.instances["VI_3"].sync_group == "G2"
    assert cfg.weights_apply("VI_1") is False  # member without sync_group_tracking_weight
    assert [n.keyword for n in cfg.sync_groups["G1"].other] == [
        "notify_backup",
        "notify_master",
        "notify_fault",
    ]
    assert cfg.sync_groups["G1"].other[0].args == ["/usr/local/bin/vrrp.back arg1 arg2"]


def test_debian_lvs_syncd_unknown_keywords_are_warnings() -> None:
    """This shipped sample forgets `group {`; keepalived -t says "Unknown keyword 'VI_2'"."""
    path = DEBIAN / "keepalived.conf.vrrp.lvs_syncd"
    cfg = load_config(path)
    assert cfg.warnings == [
        f"{path}:4: (VG1) unknown keyword 'VI_2' - kept",
        f"{path}:5: (VG1) unknown keyword 'VI_3' - kept",
    ]
    assert [n.keyword for n in cfg.sync_groups["VG1"].other] == ["VI_2", "VI_3"]
    assert cfg.sync_groups["VG1"].group == []
    assert cfg.instances["VI_1"].priority == 150


def test_debian_conditional_sample() -> None:
    path = DEBIAN / "keepalived.conf.conditional_conf"
    plain = load_config(path)
    assert plain.instances["VI_0"].priority == 100  # neither @high nor @low line used
    # 2.x removes a vrrp_script without `script`, so the track_script reference goes too
    assert plain.scripts == {} and plain.instances["VI_0"].track_scripts == []
    assert plain.blocks == []  # both net_namespace lines are conditional
    old = load_config(path, version="1.4.5")
    assert old.scripts["check_VI_0"].script is None
    assert [t.name for t in old.instances["VI_0"].track_scripts] == ["check_VI_0"]
    high = load_config(path, config_id="high")
    assert high.instances["VI_0"].priority == 170
    assert high.scripts["check_VI_0"].script == "/etc/keepalived/scripts/check_high_VI_0.sh"
    low = load_config(path, config_id="low")
    assert low.instances["VI_0"].priority == 85
    assert [(c.condition, c.kept, c.line) for c in low.conditional_lines] == [
        ("@high", False, 3),
        ("@low", True, 4),
        ("@high", False, 7),
        ("@low", True, 8),
        ("@high", False, 19),
        ("@low", True, 20),
    ]
    vi0 = low.instances["VI_0"]
    assert (vi0.advert_int, vi0.vrrp_version, vi0.use_vmac) == (12.0, 3, True)
    assert [(t.name, t.weight) for t in vi0.track_interfaces] == [("eth3", 0), ("eth2", 20)]
    assert [b.keyword for b in low.blocks] == ["net_namespace"]
    assert low.blocks[0].args == ["low"]


def test_debian_virtual_server_kept_generically() -> None:
    cfg = load_config(DEBIAN / "keepalived.conf.SSL_GET")
    kinds = [b.keyword for b in cfg.blocks]
    assert kinds == ["virtual_server", "virtual_server"]
    vs = cfg.blocks[0]
    assert (vs.args, vs.line) == (["192.168.200.100", "443"], 30)
    assert cfg.global_defs["router_id"] == ["LVS_DEVEL"]
    assert cfg.global_defs["notification_email"] == ["acassen"]
    assert cfg.instances["VI_1"].other[0].keyword == "authentication"


# --- the seed configs -------------------------------------------------------------------------

SEED_CASES = [
    ("ex1-A.conf", "BACKUP", 99, "192.168.173.203", "192.168.173.204"),
    ("ex1-B.conf", "MASTER", 100, "192.168.173.204", "192.168.173.203"),
    ("ex2-A.conf", "BACKUP", 100, "192.168.173.203", "192.168.173.204"),
    ("ex2-B.conf", "MASTER", 99, "192.168.173.204", "192.168.173.203"),
]


@pytest.mark.parametrize(("name", "state", "prio", "src", "peer"), SEED_CASES)
def test_seed_config(name: str, state: str, prio: int, src: str, peer: str) -> None:
    cfg = load_config(SEED / name, version="1.2.13")
    assert cfg.warnings == []
    assert list(cfg.instances) == ["vi_1"]
    vi = cfg.instances["vi_1"]
    assert (vi.state, vi.priority, vi.priority_configured) == (state, prio, prio)
    assert (vi.interface, vi.vrid, vi.advert_int, vi.vrrp_version) == ("eth0", 51, 1.0, 2)
    assert vi.nopreempt is False and vi.preempt_delay == 0.0
    assert vi.virtual_ipaddresses == ["172.16.173.100"]
    assert (vi.unicast_src_ip, vi.unicast_peers) == (src, [peer])
    assert vi.track_scripts == [
        TrackRef("pos", 3, False, False, 49),
        TrackRef("zero", 0, False, False, 50),
        TrackRef("nag", -3, False, False, 51),
    ]
    assert {n: (s.weight, s.interval, s.rise, s.fall) for n, s in cfg.scripts.items()} == {
        "pos": (3, 1.0, 1, 1),
        "zero": (0, 1.0, 1, 1),
        "nag": (-3, 1.0, 1, 1),
    }
    assert vi.sync_group is None and not vi.is_owner and cfg.weights_apply("vi_1")


# --- constructs, on tests/data/configs/features.conf (accepted by keepalived 2.2.7 -t) ---------


@pytest.fixture(scope="module")
def features() -> KeepalivedConfig:
    return load_config(FEATURES, version="2.2.7")


def test_features_warnings_match_keepalived_2_2_7(features: KeepalivedConfig) -> None:
    """Each line is one that `keepalived -t -f features.conf` (2.2.7) also complains about."""
    f = str(FEATURES)
    assert features.warnings == [
        f"{f}:13: vrrp_script chk_up: interval '2.5' must be an integer in [1..4294] - ignored",
        f"{f}:27: vrrp_script chk_big: weight 254 outside [-253..253] - using 253",
        f"{f}:91: (VI_B) unknown keyword 'frobnicate' - kept",
        f"{f}:41: (VI_A) nopreempt is incompatible with priority 255 - cleared",
        f"{f}:41: (VI_A) preempt_delay will not work with initial state MASTER - cleared",
        f"{f}:41: (VI_A) track_interface eth0 ignored: it is the own interface",
        f"{f}:41: (VI_A) weighted tracker chk_up ignored: address owner (priority 255)",
        f"{f}:41: (VI_A) weighted tracker chk_big ignored: address owner (priority 255)",
        f"{f}:41: (VI_A) weighted tracker tf_state ignored: address owner (priority 255)",
        f"{f}:41: (VI_A) weighted tracker tp_haproxy ignored: address owner (priority 255)",
        f"{f}:104: (SG1) weighted tracker chk_plain with a priority 255 member - weight cleared",
    ]


def test_features_quoted_strings_and_comments(features: KeepalivedConfig) -> None:
    assert features.global_defs["router_id"] == ["lab router"]
    assert features.scripts["chk_up"].script == "/usr/bin/test -e /run/up # not a comment"
    assert features.scripts["chk_plain"].script == "/bin/true"


def test_features_script_fields(features: KeepalivedConfig) -> None:
    up = features.scripts["chk_up"]
    assert (up.interval, up.timeout, up.weight, up.reverse) == (1.0, 4.0, 10, True)
    assert (up.rise, up.fall, up.init_fail) == (3, 2, True)
    plain = features.scripts["chk_plain"]
    assert (plain.interval, plain.timeout, plain.weight, plain.rise, plain.fall) == (
        1.0,
        None,
        0,
        1,
        1,
    )
    assert features.scripts["chk_big"].weight == 253


def test_features_owner_instance(features: KeepalivedConfig) -> None:
    """state MASTER without priority: 255 in 2.x; keepalived then clears nopreempt/delay."""
    a = features.instances["VI_A"]
    assert (a.priority, a.priority_configured, a.is_owner) == (255, None, True)
    assert (a.nopreempt, a.preempt_delay) == (False, 0.0)
    assert (a.advert_int, a.vrrp_version, a.vrid) == (0.5, 3, 42)  # version from global_defs
    assert a.track_scripts == [
        # one-line block, per-instance override; the script's `reverse` is kept
        TrackRef("chk_up", -20, True, True, 49),
        TrackRef("chk_plain", 0, False, False, 51),
        TrackRef("chk_big", 253, False, False, 52),
    ]
    assert a.track_interfaces == []  # own interface dropped
    assert a.track_files == [TrackRef("tf_state", 2, False, True, 58)]
    assert a.track_processes == [TrackRef("tp_haproxy", -7, False, False, 61)]
    assert features.track_files["tf_state"].weight == 5
    assert features.track_files["tf_state"].file == "/run/keepalived/tf_state"
    assert features.track_processes["tp_haproxy"].process == ["haproxy"]
    assert a.virtual_ipaddresses == ["10.0.0.10/24", "10.0.0.11", "fe80::10/64"]
    assert a.virtual_addresses[0] == VirtualAddress("10.0.0.10", 24, "eth0", "eth0:vip", {})
    assert a.virtual_addresses[2].options == {"no_track": ""}
    assert (a.unicast_src_ip, a.unicast_peers) == ("10.0.0.2", ["10.0.0.3", "10.0.0.4"])
    assert (a.use_vmac, a.vmac_ifname) == (True, "vrrp.42")
    assert [(n.keyword, n.args) for n in a.other] == [("garp_master_delay", ["1"])]
    assert features.weights_apply("VI_A") is False


def test_features_backup_instance_and_sync_group(features: KeepalivedConfig) -> None:
    b = features.instances["VI_B"]
    assert (b.state, b.priority, b.nopreempt, b.vrrp_version) == ("BACKUP", 90, True, 2)
    assert b.track_scripts == [
        TrackRef("chk_up", 5, False, True, 85),  # `noreverse` overrides the script's reverse
        TrackRef("chk_plain", 0, False, False, 86),
    ]
    assert [(n.keyword, n.args, n.line) for n in b.other] == [("frobnicate", ["yes"], 91)]
    sg = features.sync_groups["SG1"]
    assert (sg.group, sg.tracking_weight) == (["VI_B", "VI_C"], True)
    assert sg.track_scripts == [TrackRef("chk_plain", 0, False, True, 109)]
    assert (b.sync_group, features.instances["VI_C"].sync_group) == ("SG1", "SG1")
    assert features.weights_apply("VI_B") is True  # sync_group_tracking_weight
    vs = features.blocks[0]
    assert (vs.keyword, vs.args, vs.line, vs.end_line) == (
        "virtual_server",
        ["10.0.0.10", "80"],
        114,
        123,
    )
    assert vs.find("real_server")[0].find("TCP_CHECK")[0].children[0].tokens == [
        "connect_timeout",
        "3",
    ]


# --- includes -------------------------------------------------------------------------------


def test_include_globs_relative_to_including_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")  # relative includes must not depend on the working directory
    main = INCLUDE / "keepalived.conf"
    cfg = load_config(main)
    assert cfg.files == [
        str(main),
        str(INCLUDE / "scripts" / "chk_a.conf"),
        str(INCLUDE / "scripts" / "chk_b.conf"),
        str(INCLUDE / "conf.d" / "10-vi1.conf"),
        str(INCLUDE / "fragments" / "vips.inc"),
        str(INCLUDE / "conf.d" / "20-vi2.conf"),
    ]
    assert cfg.warnings == [f"{main}:8: include 'missing/*.conf' matches no file"]
    assert (cfg.scripts["chk_a"].weight, cfg.scripts["chk_b"].weight) == (7, -7)
    assert cfg.scripts["chk_b"].source_file == str(INCLUDE / "scripts" / "chk_b.conf")
    vi1 = cfg.instances["VI_1"]
    assert [(t.name, t.weight) for t in vi1.track_scripts] == [("chk_a", 7), ("chk_b", -9)]
    assert vi1.virtual_ipaddresses == ["10.6.1.1/24", "10.6.1.2/24"]
    assert (vi1.source_file, vi1.source_line) == (str(INCLUDE / "conf.d" / "10-vi1.conf"), 1)
    assert cfg.instances["VI_2"].priority == 255  # state MASTER, no priority, 2.x


def test_include_loop_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text("include b.conf\n")
    (tmp_path / "b.conf").write_text("vrrp_script s {\n script /bin/true\n}\ninclude a.conf\n")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "a.conf")
    assert "nested deeper than 32" in err.value.message


# --- syntax errors ---------------------------------------------------------------------------


def test_unclosed_brace_names_opening_line() -> None:
    text = "vrrp_instance V {\n  state BACKUP\n  virtual_ipaddress {\n    10.1.1.1\n  }\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text, source="r1.conf")
    assert (err.value.file, err.value.line) == ("r1.conf", 1)
    assert str(err.value) == "r1.conf:1: '{' of 'vrrp_instance' is never closed"


def test_extra_closing_brace() -> None:
    text = "vrrp_instance V {\n state BACKUP\n }\n }\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text, source="r2.conf")
    assert str(err.value) == "r2.conf:4: '}' without a matching '{'"


def test_error_in_included_file_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "main.conf").write_text("global_defs {\n}\ninclude sub/*.conf\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.conf").write_text('vrrp_script s {\n script "/bin/true\n}\n')
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "main.conf")
    assert (err.value.file, err.value.line) == (str(tmp_path / "sub" / "x.conf"), 2)
    assert err.value.message == "unterminated quoted string"


def test_missing_file() -> None:
    with pytest.raises(ConfigError) as err:
        load_config(CONFIGS / "no-such.conf")
    assert err.value.file == str(CONFIGS / "no-such.conf")


# --- small constructs --------------------------------------------------------------------------


def test_brace_on_next_line_comment_styles_and_continuation() -> None:
    cfg = parse_config(
        "vrrp_script chk   # trailing comment\n"
        "{\n"
        "    script /bin/true ! other comment style\n"
        "    weight \\\n"
        "      -4\n"
        "}\n"
        "! whole-line comment\n"
        "vrrp_instance V { \n"
        "  virtual_router_id 9\n"
        "  track_script {\n"
        "    chk weight 254\n"
        "  }\n"
        "}\n"
    )
    assert cfg.warnings == [
        "<string>:11: (V) track_script chk: weight cannot be +/-254 - set to +/-253"
    ]
    assert cfg.scripts["chk"].script == "/bin/true"
    assert cfg.scripts["chk"].weight == -4
    assert cfg.instances["V"].track_scripts == [TrackRef("chk", 253, False, True, 11)]


def test_conditional_negation_and_definitions() -> None:
    text = "$PRIO=120\n@^r1 $PRIO=80\nvrrp_instance V {\n  priority $PRIO\n@r1  nopreempt\n}\n"
    r1 = parse_config(text, config_id="r1")
    r2 = parse_config(text, config_id="r2")
    none = parse_config(text)
    assert (r1.instances["V"].priority, r1.instances["V"].nopreempt) == (120, True)
    assert (r2.instances["V"].priority, r2.instances["V"].nopreempt) == (80, False)
    assert (none.instances["V"].priority, none.instances["V"].nopreempt) == (120, False)
    assert [(c.condition, c.kept) for c in r2.conditional_lines] == [("@^r1", True), ("@r1", False)]


def test_skipped_conditional_block_is_skipped_whole() -> None:
    text = "@r1 vrrp_instance A {\n  priority 10\n}\nvrrp_instance B {\n  priority 20\n}\n"
    assert list(parse_config(text).instances) == ["B"]
    assert list(parse_config(text, config_id="r1").instances) == ["A", "B"]


def test_unknown_top_level_keyword_kept_with_warning() -> None:
    cfg = parse_config("frob_block x {\n  a 1\n}\nvrrp_instance V {\n}\n", source="u.conf")
    assert cfg.warnings == ["u.conf:1: unknown top-level keyword 'frob_block' - kept"]
    assert cfg.blocks[0].children[0].tokens == ["a", "1"]


def test_track_script_reference_errors() -> None:
    cfg = parse_config(
        "vrrp_script s {\n script /bin/true\n}\n"
        "vrrp_instance V {\n track_script {\n  nosuch\n  s wieght 3\n  s weight 999\n }\n}\n",
        source="t.conf",
    )
    assert cfg.warnings == [
        "t.conf:6: (V) track script nosuch not found - ignored",
        "t.conf:7: (V) unknown track_script s option 'wieght' - ignored",
        "t.conf:8: (V) track_script s: weight '999' must be in [-253..253] - ignored",
    ]
    assert cfg.instances["V"].track_scripts == [TrackRef("s", 0, False, False, 8)]


# --- version-dependent defaults ---------------------------------------------------------------

MASTER_NO_PRIO = (
    "vrrp_instance V {\n state MASTER\n interface eth0\n virtual_router_id 1\n"
    " nopreempt\n track_interface {\n  eth0 weight 254\n }\n}\n"
)


@pytest.mark.parametrize(
    ("version", "priority", "owner", "nopreempt", "iface_weights"),
    [
        ("1.2.13", 100, False, True, [("eth0", 254)]),
        ("1.2.19", 100, False, True, [("eth0", 254)]),
        ("1.2.20", 255, True, True, [("eth0", 254)]),
        ("1.3.5", 255, True, False, [("eth0", 254)]),
        ("2.2.7", 255, True, False, []),
        (None, 255, True, False, []),
    ],
)
def test_master_without_priority_by_version(
    version: str | None, priority: int, owner: bool, nopreempt: bool, iface_weights: list
) -> None:
    cfg = parse_config(MASTER_NO_PRIO, version=version)
    v = cfg.instances["V"]
    assert (v.priority, v.priority_configured, v.is_owner) == (priority, None, owner)
    assert v.nopreempt is nopreempt
    assert [(t.name, t.weight) for t in v.track_interfaces] == iface_weights


def test_reverse_needs_2_0_18() -> None:
    text = "vrrp_script s {\n script /bin/true\n weight 5 reverse\n}\n"
    assert parse_config(text, version="2.0.18").scripts["s"].reverse is True
    old = parse_config(text, version="1.3.9")
    assert old.scripts["s"].reverse is False
    assert old.warnings == [
        "<string>:3: vrrp_script s: 'reverse' needs keepalived 2.0.18+ - ignored"
    ]


def test_script_interval_fraction_by_version() -> None:
    text = "vrrp_script s {\n script /bin/true\n interval 2.5\n weight -300\n}\n"
    old = parse_config(text, version="1.2.13").scripts["s"]
    new = parse_config(text, version="2.2.7").scripts["s"]
    assert (old.interval, old.weight) == (2.0, -254)  # atoi(); 1.x range
    assert (new.interval, new.weight) == (1.0, -253)  # rejected; 2.x range


def test_bad_version_string() -> None:
    with pytest.raises(ValueError):
        parse_config("", version="latest")


# --- cross-check with the real keepalived, when installed -------------------------------------

_KA_UNKNOWN = re.compile(
    r"^\((?P<file>[^:]+): Line (?P<line>\d+)\) Unknown keyword '(?P<kw>[^']*)'"
)


@pytest.mark.skipif(shutil.which("keepalived") is None, reason="keepalived not installed")
@pytest.mark.parametrize(
    "path", [*DEBIAN_FILES, FEATURES, *sorted(SEED.glob("ex*.conf"))], ids=lambda p: p.name
)
def test_unknown_keywords_agree_with_keepalived_t(path: Path, tmp_path: Path) -> None:
    """`keepalived -t` flags unknown keywords per line; kalog must flag the same block heads."""
    out = subprocess.run(
        ["keepalived", "-t", "-n", "-l", "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    ka_lines: set[int] = set()
    for line in (out.stdout + out.stderr).splitlines():
        m = _KA_UNKNOWN.match(line)
        if m and m.group("file") == str(path):
            ka_lines.add(int(m.group("line")))
    cfg = load_config(path)
    ours = {int(w.split(":")[1]) for w in cfg.warnings if "unknown" in w and "keyword" in w}
    assert ours <= ka_lines
    # keepalived also flags every line inside a block it skipped; kalog only the block head
    flagged_heads = [n for n in _all_nodes(cfg) if n.line in ours]
    inside = {
        ln for n in flagged_heads if n.end_line is not None for ln in range(n.line, n.end_line + 1)
    }
    assert ka_lines <= ours | inside


def _all_nodes(cfg: KeepalivedConfig) -> list:
    nodes = list(cfg.blocks)
    for inst in cfg.instances.values():
        nodes.extend(inst.other)
    for sg in cfg.sync_groups.values():
        nodes.extend(sg.other)
    return nodes
