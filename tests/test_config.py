"""kalog.config: keepalived.conf reader, on real configs (Debian's samples, the seed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kalog.config import (
    KeepalivedConfig,
    TrackRef,
    VrrpScript,
    load_config,
)

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "tests" / "data" / "configs"
DEBIAN = CONFIGS / "debian"
SEED = ROOT / "samples" / "seed"

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
        timeout=2.0,
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
    assert plain.scripts["check_VI_0"].script is None
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
