"""`kalog analyze --format html` and `kalog timeline --format svg|png`, without a browser.

The page's content is pinned here from real inputs (the seed with its
configs, a 2.2.7 lab capture, two corpus excerpts); that a browser draws it
is tests/test_report_browser.py.  Expected values were read off the
segments `kalog timeline` prints for the same inputs (and docs/model.md's
worked example for the corpus pair) before being pinned.
"""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import plotly.graph_objects as go
import pytest
from click.testing import CliRunner

from kalog.cli import main
from tests.conftest import CORPUS, LAB, SEED, SEED_A, SEED_B, SEED_EX1_ARGS

A, B = SEED_A, SEED_B
SEED_ARGS = list(SEED_EX1_ARGS)
RELOAD = LAB / "reload-priority"
# node-a's first config only: after its reload the config no longer tells node-a's
# priority, so the capture shows all four bases (docs/model.md, "Reloads")
RELOAD_ARGS = [
    str(RELOAD / "node-a.log"),
    str(RELOAD / "node-b.log"),
    "--config",
    f"node-a={RELOAD / 'node-a.conf'}",
    "--config",
    f"node-b={RELOAD / 'node-b.conf'}",
]
CORPUS_ARGS = [str(CORPUS / "069.log"), str(CORPUS / "070.log"), "--year", "2017"]


def html_report(tmp_path: Path, args: list[str], name: str = "report.html") -> str:
    out = tmp_path / name
    result = CliRunner().invoke(main, ["analyze", "-q", *args, "--format", "html", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    return out.read_text(encoding="utf-8")


def figures_of(page: str) -> list[dict]:
    block = re.search(
        r'<script id="kalog-figures" type="application/json">(.*?)</script>', page, re.S
    )
    assert block is not None
    return json.loads(block.group(1))


def traces(fig: dict) -> dict[str, dict]:
    return {trace["name"]: trace for trace in fig["data"]}


def test_seed_report_is_one_self_contained_page(tmp_path: Path) -> None:
    page = html_report(tmp_path, SEED_ARGS)
    # nothing is fetched: no external script, style, image or frame
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", page)
    assert "<link" not in page and "@import" not in page
    # the library inlined once, then the figures and the code that draws them
    assert page.count("<script") == 4
    assert page.count("Plotly.newPlot") >= 1 and "plotly.js" in page
    assert 3_000_000 < len(page.encode()) < 6_000_000
    figures = figures_of(page)
    assert len(figures) == 1 and page.count('class="chart"') == 1
    assert '<h3 id="instance-0">Instance vi_1, VRID 51</h3>' in page
    go.Figure(figures[0])  # plotly's own validation of every property
    by_name = traces(figures[0])
    # 203's MASTER and 204's MASTER start at each log's last line: zero long, not drawn
    assert list(by_name) == [
        "BACKUP",
        "GOTO_MASTER",
        "INIT",
        "not in the host's log",
        "into MASTER",
        "findings",
        f"{A} steps",
        f"{A}: inferred",
        f"{B} steps",
        f"{B}: inferred",
    ]
    assert by_name["not in the host's log"]["x"] == [
        "2014-08-25 15:21:40.000",
        "2014-08-25 15:26:31.000",
        None,
        "2014-08-25 15:21:35.000",
        "2014-08-25 15:26:27.000",
        None,
    ]
    assert by_name["into MASTER"]["y"] == [A, B]
    assert by_name["into MASTER"]["x"] == ["2014-08-25 15:21:40.000", "2014-08-25 15:26:31.000"]
    # INIT at 100 (15:26:27-28), BACKUP at 103 after the poll (28-30), GOTO_MASTER (30-31)
    assert by_name[f"{B}: inferred"]["y"] == [100, 100, None, 103, 103, None, 103, 103, None]
    assert by_name[f"{B}: inferred"]["line"]["dash"] == "dash"
    assert by_name[f"{A} steps"]["line"]["shape"] == "hv"
    assert by_name[f"{A} steps"]["y"] == [99, 99, 102, 102, 102, 102]
    layout = figures[0]["layout"]
    assert layout["xaxis2"]["rangeslider"]["visible"] is True
    assert [b["label"] for b in layout["xaxis"]["rangeselector"]["buttons"]] == [
        "10m",
        "1h",
        "6h",
        "1d",
        "all",
    ]
    assert layout["yaxis"]["categoryarray"] == [B, A]
    # the changes of master with their causes, the finding with its lines, the summary
    assert '<h2 id="changes">Into and out of MASTER (2)</h2>' in page
    assert "<b>startup</b>: no master heard after start" in page
    assert "<b>preemption</b>: preempted a lower-priority master" in page
    assert page.count('<a class="zoom"') == 2
    # 30 s either side within the chart (B's takeover is the last line of both
    # logs), widened by 2% so the marks at the edges show whole
    assert re.findall(
        r'href="#change-\d" data-chart="chart-0" data-from="([^"]*)" data-to="([^"]*)"', page
    ) == [
        ("2014-08-25 15:21:34.300", "2014-08-25 15:22:10.700"),
        ("2014-08-25 15:26:00.400", "2014-08-25 15:26:31.600"),
    ]
    # the whole span (4m 56s) widened the same way
    assert layout["xaxis2"]["range"] == ["2014-08-25 15:21:29.080", "2014-08-25 15:26:36.920"]
    assert '<h2 id="findings">Findings (1)</h2>' in page
    assert "<b>KA002 weight-not-yet-counted</b>" in page
    assert (
        "<pre>Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(pos) "
        "succeeded</pre>" in page
    )
    assert page.count("<pre>") == 6
    assert "<tr><th>time span</th><td>2014-08-25 15:21:35 → 2014-08-25 15:26:31 (4m 56s)" in page
    assert "<tr><th>changes of master</th><td>2</td></tr>" in page
    assert "Rules: 11 evaluated, 0 not evaluated" in page


def test_priority_basis_drawn_distinctly_on_a_lab_capture(tmp_path: Path) -> None:
    """reload-priority, node-a's first config only: inferred, advertised (node-b's
    quotes), logged (its own change) and unknown (after the reload) in one lane."""
    figure = figures_of(html_report(tmp_path, RELOAD_ARGS))[0]
    go.Figure(figure)
    by_name = traces(figure)
    priority = [t["name"] for t in figure["data"] if t["yaxis"] == "y2"]
    assert priority == [
        "node-a steps",
        "node-a: logged",
        "node-a: inferred",
        "node-a: advertised",
        "node-a: unknown",
        "node-b steps",
        "node-b: inferred",
    ]
    assert [
        by_name[f"node-a: {b}"]["line"]["dash"] for b in ("logged", "inferred", "advertised")
    ] == [
        "solid",
        "dash",
        "dot",
    ]
    # its own "Changing effective priority" line (a MASTER segment of 9 us), then BACKUP
    assert by_name["node-a: logged"]["x"] == [
        "2026-11-26 07:36:04.557",
        "2026-11-26 07:36:04.557",
        None,
        "2026-11-26 07:36:04.557",
        "2026-11-26 07:36:08.230",
        None,
    ]
    assert by_name["node-a: logged"]["y"] == [80, 80, None, 80, 80, None]
    assert by_name["node-a: advertised"]["y"] == [80, 80, None, 100, 100, None]
    # unknown: a band over the whole priority range (75..105), no value drawn
    unknown = by_name["node-a: unknown"]
    assert unknown["fill"] == "toself"
    assert unknown["x"][:5] == [
        "2026-11-26 07:36:11.841",
        "2026-11-26 07:36:15.024",
        "2026-11-26 07:36:15.024",
        "2026-11-26 07:36:11.841",
        "2026-11-26 07:36:11.841",
    ]
    assert unknown["y"] == [75, 75, 105, 105, 75, None, 75, 75, 105, 105, 75, None]
    assert by_name["node-a steps"]["y"][-3:] == [None, None, None]
    lanes = [t["name"] for t in figure["data"] if t["yaxis"] == "y"]
    assert lanes == [
        "MASTER",
        "BACKUP",
        "INIT",
        "STOPPED",
        "not in the host's log",
        "into MASTER",
        "out of MASTER",
        "findings",
    ]


def test_unknown_state_and_ends_of_logs_are_not_invented(tmp_path: Path) -> None:
    """Corpus 069/070 (docs/model.md's worked example): devil19's VIP_PRIMARY is
    UNKNOWN until 13:36:36; devil19's log ends at 13:37:16, angel19's at 13:37:19."""
    page = html_report(tmp_path, CORPUS_ARGS)
    figures = figures_of(page)
    assert [re.sub("<[^>]+>", "", h) for h in re.findall(r"<h3[^>]*>.*?</h3>", page)] == [
        "Instance VIP_PRIMARY",
        "Instance VIP_STANDBY",
    ]
    primary, standby = (traces(f) for f in figures)
    # a hatched bar of 20 s on devil19's lane
    unknown = primary["UNKNOWN (not known)"]
    assert (unknown["type"], unknown["base"], unknown["x"], unknown["y"]) == (
        "bar",
        ["2017-04-17 13:36:16.000"],
        [20000.0],
        ["devil19"],
    )
    assert unknown["marker"]["pattern"]["shape"] == "/"
    # devil19 began 3 s before angel19's first line and ended 3 s before its last
    assert primary["not in the host's log"]["x"] == [
        "2017-04-17 13:36:16.000",
        "2017-04-17 13:36:19.000",
        None,
        "2017-04-17 13:37:16.000",
        "2017-04-17 13:37:19.000",
        None,
    ]
    assert primary["not in the host's log"]["y"] == [
        "angel19",
        "angel19",
        None,
        "devil19",
        "devil19",
        None,
    ]
    # no priority line and no config: only bands, no value anywhere
    for fig in (primary, standby):
        assert [n for n in fig if n.endswith((": logged", ": inferred", ": advertised"))] == []
        assert sorted(n for n in fig if n.endswith(": unknown")) == [
            "angel19: unknown",
            "devil19: unknown",
        ]
    assert '<h2 id="findings">Findings (3)</h2>' in page
    assert page.count("<b>peer_fault</b>") == 2


def test_log_text_is_shown_literally_never_obeyed(tmp_path: Path) -> None:
    """A keepalived line carrying markup (an unknown line, cited by KA901) is
    escaped in the page and in the charts' data."""
    lines = (SEED / "ex1-B-master-100.log").read_text(encoding="utf-8").splitlines(True)
    hostile = (
        "Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: "
        "<script>alert(1)</script> [red]x[/red] & </pre><b>bold</b>\n"
    )
    log = tmp_path / "ex1-B.log"
    log.write_text("".join([*lines[:22], hostile, *lines[22:]]), encoding="utf-8")
    page = html_report(tmp_path, [str(log), "--year", "2014"])
    assert (
        "<pre>Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: &lt;script&gt;alert(1)"
        "&lt;/script&gt; [red]x[/red] &amp; &lt;/pre&gt;&lt;b&gt;bold&lt;/b&gt;</pre>" in page
    )
    assert "alert(1)</script>" not in page and "<b>bold</b>" not in page
    assert page.count("<script") == 4
    block = re.search(r'id="kalog-figures" type="application/json">(.*?)</script>', page, re.S)
    assert block is not None and "<" not in block.group(1)


def test_hover_text_is_escaped_for_plotly() -> None:
    from kalog.report.html import _hover

    assert _hover("<script>x</script> & <b>") == "&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;"


def test_a_big_chart_is_drawn_with_webgl() -> None:
    """Past GL_SEGMENTS segments the lanes and steps are scattergl traces."""
    import pandas as pd

    from kalog.model.timeline import InstanceTimeline, Segment, Timeline
    from kalog.report._charts import charts
    from kalog.report.html import GL_SEGMENTS, figure

    t0 = pd.Timestamp("2026-01-01")
    segments = [
        Segment(
            t0 + pd.Timedelta(seconds=60 * n),
            t0 + pd.Timedelta(seconds=60 * (n + 1)),
            "MASTER" if n % 2 else "BACKUP",
            100,
            "logged",
            "x.log",
            n + 1,
            0,
        )
        for n in range(GL_SEGMENTS + 1)
    ]
    item = InstanceTimeline("h", "VI_1", 1, "2", segments, "VI_1")
    timeline = Timeline([item], [], [], {}, t0, segments[-1].end, host_end={"h": segments[-1].end})
    fig = figure(charts(timeline)[0])
    kinds = {t["name"]: t["type"] for t in fig["data"]}
    assert kinds == {
        "MASTER": "scattergl",
        "BACKUP": "scattergl",
        "h steps": "scattergl",
        "h: logged": "scattergl",
    }


def test_missing_library_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "plotly" else real(name, *a)
    )
    result = CliRunner().invoke(main, ["analyze", "-q", *SEED_ARGS, "--format", "html"])
    assert result.exit_code == 2
    assert "--format html needs plotly: pip install 'kalog[charts]'" in result.stderr


def test_timeline_svg_is_one_chart_per_instance(tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    result = CliRunner().invoke(
        main, ["timeline", "-q", *CORPUS_ARGS, "--format", "svg", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text]
    assert texts.count("Instance VIP_PRIMARY") == 1 and texts.count("Instance VIP_STANDBY") == 1
    assert texts.count("effective priority") == 2
    assert texts.count("devil19") == 4 and texts.count("angel19") == 4  # lanes and legends
    assert texts.count("UNKNOWN (not known)") == 1
    # the same input gives the same bytes (a picture kept in a repository)
    again = tmp_path / "again.svg"
    CliRunner().invoke(main, ["timeline", "-q", *CORPUS_ARGS, "--format", "svg", "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_timeline_png(tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    result = CliRunner().invoke(
        main, ["timeline", "-q", *SEED_ARGS, "--format", "png", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1320 and 300 < height < 500
    refused = CliRunner().invoke(main, ["timeline", "-q", *SEED_ARGS, "--format", "png"])
    assert refused.exit_code == 2 and "give -o FILE" in refused.stderr
