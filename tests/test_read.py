"""kalog.ingest.read: compression by magic bytes, damage, decoding, line numbers."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
from pathlib import Path

import pytest
from conftest import SEED

from kalog.errors import InputError
from kalog.ingest import read

SEED_LOG = SEED / "ex1-B-master-100.log"
SEED_LINES = SEED_LOG.read_text(encoding="utf-8").splitlines()


def lines_of(path: Path, **kwargs) -> tuple[list[tuple[int, str]], read.Source]:
    source = read.Source(str(path))
    out = []
    for block in read.iter_line_blocks(source, **kwargs):
        out += [(block.first + i, line) for i, line in enumerate(block.lines)]
    return out, source


@pytest.mark.parametrize(
    ("compress", "kind"),
    [(gzip.compress, "gzip"), (bz2.compress, "bzip2"), (lzma.compress, "xz")],
)
def test_compressed_by_magic_with_misleading_suffix(tmp_path, compress, kind) -> None:
    path = tmp_path / "ex1-B.log.txt"  # no .gz/.bz2/.xz suffix on purpose
    path.write_bytes(compress(SEED_LOG.read_bytes()))
    got, source = lines_of(path)
    assert source.compression == kind
    assert [text for _, text in got] == SEED_LINES
    assert got[25] == (26, SEED_LINES[25])
    assert source.lines_read == 32 and source.warnings == []


def test_plain_file_named_gz_is_read_as_plain(tmp_path) -> None:
    path = tmp_path / "x.log.gz"
    path.write_bytes(SEED_LOG.read_bytes())
    got, source = lines_of(path)
    assert source.compression == "none" and len(got) == 32


def test_concatenated_gzip_members(tmp_path) -> None:
    data = SEED_LOG.read_bytes()
    path = tmp_path / "two.gz"
    path.write_bytes(gzip.compress(data) + gzip.compress(data))
    got, _ = lines_of(path)
    assert len(got) == 64 and got[32] == (33, SEED_LINES[0])


def test_truncated_gzip_keeps_lines_before_damage(tmp_path) -> None:
    data = b"".join(SEED_LOG.read_bytes() for _ in range(200))  # 6400 lines
    packed = gzip.compress(data)
    path = tmp_path / "cut.log.gz"
    path.write_bytes(packed[: len(packed) // 2])
    got, source = lines_of(path)
    assert 100 < len(got) < 6400
    assert [t for _, t in got] == (SEED_LINES * 200)[: len(got)]  # no partial last line
    assert source.warnings == [f"{path}: truncated gzip data; kept the lines before the damage"]


def test_crlf_nul_and_invalid_utf8(tmp_path) -> None:
    path = tmp_path / "mixed.log"
    path.write_bytes(
        b"\x00\x00\x00Aug 25 15:21:35 h Keepalived_vrrp[1]: VRRP_Script(nag) succeeded\r\n"
        b"Aug 25 15:21:36 h Keepalived_vrrp[1]: bad \xff\xfe bytes\r\n"
        b"3\xe6\x9c\x88 23 09:33:06 nuc Keepalived[768]: ok\r\n"
        b"no newline at end\r"
    )
    got, source = lines_of(path)
    assert got == [
        (1, "Aug 25 15:21:35 h Keepalived_vrrp[1]: VRRP_Script(nag) succeeded"),
        (2, "Aug 25 15:21:36 h Keepalived_vrrp[1]: bad \ufffd\ufffd bytes"),
        (3, "3月 23 09:33:06 nuc Keepalived[768]: ok"),
        (4, "no newline at end"),
    ]
    assert source.undecodable_bytes == 2
    assert source.lines_read == 4


def test_long_line_truncated_with_warning(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(read, "CHUNK_SIZE", 1 << 16)  # the long line spans many chunks
    path = tmp_path / "long.log"
    long_line = b"Aug 25 15:21:35 h Keepalived_vrrp[1]: " + b"x" * (10 << 20)
    path.write_bytes(SEED_LOG.read_bytes() + long_line + b"\n" + SEED_LOG.read_bytes())
    got, source = lines_of(path)
    assert len(got) == 65
    assert got[32][0] == 33 and len(got[32][1]) == read.MAX_LINE_BYTES
    assert got[33] == (34, SEED_LINES[0])
    assert source.warnings == [
        f"{path}: line 33: {len(long_line)} bytes, truncated to {read.MAX_LINE_BYTES}"
    ]


def test_long_line_inside_one_chunk(tmp_path) -> None:
    path = tmp_path / "long2.log"
    path.write_bytes(b"a" * 70000 + b"\nsecond\n")
    got, source = lines_of(path)
    assert [(n, len(t)) for n, t in got] == [(1, read.MAX_LINE_BYTES), (2, 6)]
    assert source.warnings == [f"{path}: line 1: 70000 bytes, truncated to 65536"]


def test_binary_garbage_is_refused(tmp_path) -> None:
    path = tmp_path / "garbage.log"
    path.write_bytes(os.urandom(100_000))
    with pytest.raises(InputError, match="binary data, not a text log"):
        lines_of(path)


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(InputError) as exc:
        lines_of(tmp_path / "nope.log")
    assert str(exc.value) == f"{tmp_path / 'nope.log'}: no such file"
    with pytest.raises(InputError) as exc:
        lines_of(tmp_path)
    assert str(exc.value) == f"{tmp_path}: is a directory"


def test_empty_file(tmp_path) -> None:
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    got, source = lines_of(path)
    assert got == [] and source.lines_read == 0


def test_default_host_is_file_name_up_to_first_dot() -> None:
    assert read.Source("/var/log/h1.console.log").default_host == "h1"
    assert read.Source("samples/seed/ex1-A-backup-99.log").default_host == "ex1-A-backup-99"
    assert read.Source("-").default_host == "stdin"


def _bench_lines(tmp_path: Path) -> tuple[list[bytes], list[bytes]]:
    """(keepalived lines, other daemons' lines) of a generated benchmark syslog."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT))
    from bench.generate import main

    path = tmp_path / "syslog.log"
    argv = ["--lines", "20000", "--keepalived-share", "0.05", "--seed", "4", "-o", str(path)]
    assert main(argv) == 0
    lines = path.read_bytes().splitlines()
    return [t for t in lines if b"eepalived" in t], [t for t in lines if b"eepalived" not in t]


def test_a_block_is_dense_when_most_of_it_is_not_only_its_head(tmp_path: Path) -> None:
    """`LineBlock.dense` picks the bulk search for blocks mostly of keepalived lines:
    judged on windows across the block, so a burst at its head (a restart) in an
    otherwise sparse block keeps the per-match search (the same lines either way)."""
    ours, theirs = _bench_lines(tmp_path)
    burst = b"\n".join(ours[:900] + theirs[:19000])  # ~2 MB, the first ~100 KB keepalived
    assert read.mostly_matching(burst[: 1 << 16], "eepalived")  # what the head alone said
    block = read.LineBlock(1, None, data=burst)
    assert not block.dense("eepalived")
    found = [t for _, t in read.LineBlock(1, None, data=burst).find_lines("eepalived")]
    bulk = read.LineBlock(1, None, data=burst).find_lines_bulk("eepalived")
    assert bulk is not None and found == bulk[1].to_pylist() and len(found) == 900
    dense = b"\n".join((ours * 40)[:20000])
    assert read.LineBlock(1, None, data=dense).dense("eepalived")
    spread = b"\n".join(t for pair in zip(ours[:900], theirs[:900], strict=True) for t in pair)
    assert read.LineBlock(1, None, data=spread * 20).dense("eepalived")  # half of the lines
    assert read.LineBlock(1, None, data=b"\n".join(ours[:3])).dense("eepalived")  # small
    assert not read.LineBlock(1, None, data=b"\n".join(theirs[:3])).dense("eepalived")


@pytest.mark.parametrize(
    "data",
    [
        SEED_LOG.read_bytes(),  # ASCII: the block keeps its bytes
        "3\u6708 23 09:33:06 nuc Keepalived[768]: ok\n".encode() + SEED_LOG.read_bytes(),  # decoded
        SEED_LOG.read_bytes() + b"a" * 70000 + b"\nsecond",  # a line over the cap: `pick`
    ],
    ids=["ascii", "decoded", "over-long"],
)
def test_pick_array_gives_what_lines_gives(tmp_path: Path, data: bytes) -> None:
    """`LineBlock.pick_array` (Arrow cuts the lines, reading text back for
    `kalog events`) equals `lines` (a str per line) on every kind of block."""
    import numpy as np

    path = tmp_path / "block.log"
    path.write_bytes(data)
    longest = 0
    for block in read.iter_line_blocks(read.Source(name=str(path))):
        count = block.count
        for indexes in (np.arange(count), np.array([0, count - 1]), np.arange(1, count, 3)):
            assert block.pick_array(indexes).to_pylist() == [block.lines[i] for i in indexes]
        texts = block.pick_array(np.arange(count)).to_pylist()
        longest = max(longest, *(len(text.encode()) for text in texts))
    given = max(len(line) for line in data.split(b"\n"))
    assert longest == min(given, read.MAX_LINE_BYTES)  # the over-long line: truncated
