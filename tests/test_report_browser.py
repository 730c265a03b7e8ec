"""report.html in a real browser: Debian's headless chromium draws every chart.

Chromium loads the file from disk (no server, no network: the page must
bring everything it needs), runs its scripts, and `--dump-dom` gives the DOM
after drawing; `--enable-logging=stderr` gives every console message.  The
assertions read what plotly.js drew: the page's own marks (`data-charts-drawn`
on <body>, `data-traces` on each chart), the trace groups in each chart's
SVG, the host names on the lanes' axis, the legend, the marks for the
changes of master, and that no console message or script error occurred.
A screenshot of each page is kept as an artifact (in $KALOG_TEST_ARTIFACTS
when set, else the test's tmp dir).

Skipped where chromium is absent; .ci/run installs it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LAB
from tests.test_report_html import (
    CORPUS_ARGS,
    RELOAD_ARGS,
    SEED_ARGS,
    figures_of,
    html_report,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)",
)


def _flags(profile: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=15000",
    ]


def open_in_browser(page: Path, tmp_path: Path, anchor: str = "") -> tuple[str, list[str]]:
    """The DOM after the page ran (opened at `#anchor`), and the console messages it logged."""
    run = subprocess.run(
        [
            str(CHROMIUM),
            *_flags(tmp_path / "profile"),
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri() + anchor,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return run.stdout, console


def screenshot(page: Path, tmp_path: Path) -> Path:
    """The top of the page as a PNG.  (Not at an anchor: headless chromium's
    --screenshot of a page its script scrolled comes out blank.)"""
    folder = Path(os.environ.get("KALOG_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / (page.stem + ".png")
    subprocess.run(
        [
            str(CHROMIUM),
            *_flags(tmp_path / "profile-shot"),
            "--window-size=1400,1400",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return shot


def chart_doms(dom: str, count: int) -> list[str]:
    """Each chart's part of the DOM: from its div to the next chart's (or the next section)."""
    parts = []
    for n in range(count):
        start = dom.index(f'id="chart-{n}"')
        end = dom.find(f'id="chart-{n + 1}"', start)
        parts.append(dom[start : end if end >= 0 else dom.index('<h2 id="changes"', start)])
    return parts


def check_drawn(page_path: Path, tmp_path: Path) -> tuple[str, list[str], list[dict]]:
    """Open the page; every chart drawn with all its traces, no console message."""
    figures = figures_of(page_path.read_text(encoding="utf-8"))
    dom, console = open_in_browser(page_path, tmp_path)
    assert console == []
    assert re.search(r'<div id="kalog-errors" hidden="">\s*</div>', dom)
    assert f'<body data-charts-drawn="{len(figures)}">' in dom
    charts = chart_doms(dom, len(figures))
    for fig, part in zip(figures, charts, strict=True):
        data = fig["data"]
        assert f'data-traces="{len(data)}"' in part
        # each trace drawn once, the bottom axis' again in the range slider
        on_slider = sum(1 for t in data if t["xaxis"] == "x2")
        drawn = part.count('class="trace scatter') + part.count('class="trace bars')
        assert drawn == len(data) + on_slider
        # one lane per host, named on the axis
        hosts = fig["layout"]["yaxis"]["categoryarray"]
        ticks = re.findall(r'<g class="ytick"><text[^>]*data-unformatted="([^"]*)"', part)
        assert [html.unescape(t) for t in ticks[: len(hosts)]] == hosts
        # the legend names every drawn style
        shown = [t["name"] for t in data if t.get("showlegend", True)]
        legend = re.findall(r'class="legendtext"[^>]*>([^<]*)<', part)
        assert [x for x in legend if x in shown] == shown
        # a bar per stretch of a state, a mark per change of master and per finding
        points = sum(len(t["x"]) for t in data if t.get("mode") == "markers" or t["type"] == "bar")
        assert part.count('class="point"') == points
    return dom, charts, figures


def test_seed_report_draws_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "seed-report.html"
    page.write_text(html_report(tmp_path, SEED_ARGS), encoding="utf-8")
    dom, charts, figures = check_drawn(page, tmp_path)
    assert len(charts) == 1
    assert re.findall(r'class="legendtext"[^>]*>([^<]*)<', charts[0]) == [
        "state",
        "BACKUP",
        "GOTO_MASTER",
        "INIT",
        "not in the host's log",
        "changes of master",
        "into MASTER",
        "findings",
        "priority of 192_168_173_203",
        "192_168_173_203: inferred",
        "priority of 192_168_173_204",
        "192_168_173_204: inferred",
    ]
    # 2 into MASTER, 1 finding, and the lanes' bars: 3 of A (BACKUP at 99 and at
    # 102, GOTO_MASTER), 3 of B (INIT, BACKUP at 103, GOTO_MASTER); the others
    # last 0 s at one-second timestamps
    assert charts[0].count('class="point"') == 3 + 6
    assert re.findall(r'<tr id="(change-\d+)"><td>2014-08-25 15:2', dom) == ["change-0", "change-1"]
    assert 'data-unformatted="effective priority"' in charts[0]
    screenshot(page, tmp_path)


def test_a_link_to_a_change_opens_zoomed_on_it(tmp_path: Path) -> None:
    """report.html#change-1 (B's takeover at 15:26:31, the logs' last line) shows
    the 30 s before it (and 2% more either side)."""
    page = tmp_path / "seed-report.html"
    page.write_text(html_report(tmp_path, SEED_ARGS), encoding="utf-8")
    dom, console = open_in_browser(page, tmp_path, "#change-1")
    assert console == [] and '<body data-charts-drawn="1">' in dom
    assert 'data-range="2014-08-25 15:26:00.400 2014-08-25 15:26:31.600"' in dom
    ticks = re.findall(r'<g class="x2tick"><text[^>]*data-unformatted="([^"]*)"', dom)
    assert ticks and all(t.startswith("15:26:") for t in ticks), ticks


@pytest.mark.parametrize("scenario", ["three-stop", "interface-fault", "script-failover"])
def test_lab_captures_draw_every_host(scenario: str, tmp_path: Path) -> None:
    folder = LAB / scenario
    args = [str(p) for p in sorted(folder.glob("*.log"))]
    for conf in sorted(folder.glob("*.conf")):
        args += ["--config", f"{conf.stem}={conf}"]
    page = tmp_path / f"{scenario}.html"
    page.write_text(html_report(tmp_path, args), encoding="utf-8")
    _dom, charts, figures = check_drawn(page, tmp_path)
    hosts = sorted(p.stem for p in folder.glob("*.log"))
    assert len(charts) == 1
    assert sorted(figures[0]["layout"]["yaxis"]["categoryarray"]) == hosts
    screenshot(page, tmp_path)


def test_all_four_priority_bases_draw(tmp_path: Path) -> None:
    page = tmp_path / "reload-priority.html"
    page.write_text(html_report(tmp_path, RELOAD_ARGS), encoding="utf-8")
    _dom, charts, _figures = check_drawn(page, tmp_path)
    legend = re.findall(r'class="legendtext"[^>]*>([^<]*)<', charts[0])
    assert legend[legend.index("priority of node-a") :] == [
        "priority of node-a",
        "node-a: logged",
        "node-a: inferred",
        "node-a: advertised",
        "node-a: unknown",
        "priority of node-b",
        "node-b: inferred",
    ]
    # the unknown band is a filled shape: plotly draws it as a `js-fill` path
    assert charts[0].count('class="js-fill"') >= 1


def test_two_instances_and_unknown_state_draw(tmp_path: Path) -> None:
    page = tmp_path / "corpus-069-070.html"
    page.write_text(html_report(tmp_path, CORPUS_ARGS), encoding="utf-8")
    _dom, charts, _figures = check_drawn(page, tmp_path)
    assert len(charts) == 2
    assert "UNKNOWN (not known)" in charts[0] and "UNKNOWN (not known)" not in charts[1]
    screenshot(page, tmp_path)


def test_hostile_log_text_stays_text_in_the_browser(tmp_path: Path) -> None:
    from tests.conftest import SEED

    lines = (SEED / "ex1-B-master-100.log").read_text(encoding="utf-8").splitlines(True)
    hostile = (
        "Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: "
        "<script>alert(1)</script> [red]x[/red] <img src=x onerror=alert(2)>\n"
    )
    log = tmp_path / "ex1-B.log"
    log.write_text("".join([*lines[:22], hostile, *lines[22:]]), encoding="utf-8")
    page = tmp_path / "hostile.html"
    page.write_text(html_report(tmp_path, [str(log), "--year", "2014"]), encoding="utf-8")
    dom, _charts, _figures = check_drawn(page, tmp_path)
    # the page's own four scripts only, no image; the line is text inside its <pre>
    assert dom.count("<script") == 4 and "<img" not in dom
    assert (
        "Keepalived_vrrp[8196]: &lt;script&gt;alert(1)&lt;/script&gt; [red]x[/red] "
        "&lt;img src=x onerror=alert(2)&gt;</pre>" in dom
    )


def test_hostile_host_name_stays_text_on_the_chart(tmp_path: Path) -> None:
    """plotly reads <i>, <b>, <a> in axis labels and legend names: a host named
    `<i>lb&b</i>` (the seed's router B renamed) is drawn as those characters."""
    from tests.conftest import SEED

    text = (SEED / "ex1-B-master-100.log").read_text(encoding="utf-8")
    log = tmp_path / "renamed.log"
    log.write_text(text.replace("192_168_173_204", "<i>lb&b</i>"), encoding="utf-8")
    page = tmp_path / "renamed.html"
    page.write_text(html_report(tmp_path, [str(log), "--year", "2014"]), encoding="utf-8")
    figures = figures_of(page.read_text(encoding="utf-8"))
    assert figures[0]["layout"]["yaxis"]["categoryarray"] == ["&lt;i&gt;lb&amp;b&lt;/i&gt;"]
    _dom, charts, _figures = check_drawn(page, tmp_path)
    tick = re.findall(r'<g class="ytick"><text[^>]*>([^<]*)</text>', charts[0])
    assert tick == ["&lt;i&gt;lb&amp;b&lt;/i&gt;"]  # the DOM's escape of the text <i>lb&b</i>
    # plotly's tspans: only the two lines of the first date tick, none in italics
    assert charts[0].count("<tspan") == 2
    assert "font-style:italic" not in charts[0]


def test_a_week_of_a_pair_is_drawn_and_zooms_to_a_minute(tmp_path: Path) -> None:
    """A week of one 2.2 pair from the benchmark generator (8,000 keepalived
    lines, Aug 25 - Sep 1): the charts span the week; opened at a change in
    the middle of it, the chart shows the minute around that change."""

    from tests.conftest import write_week_log

    log = write_week_log(tmp_path / "week.log")
    page = tmp_path / "week.html"
    text = html_report(tmp_path, [str(log), "--year", "2024"])
    page.write_text(text, encoding="utf-8")
    figures = figures_of(text)
    for fig in figures:  # the week's first and last line, 2% more either side
        start, end = fig["layout"]["xaxis2"]["range"]
        assert start <= "2024-08-25 00:03:33" and end >= "2024-09-01 00:52:22"
        assert start > "2024-08-24 20:00" and end < "2024-09-01 05:00"
    changes = re.findall(r'<tr id="change-(\d+)">', text)
    middle = f"#change-{len(changes) // 2}"
    link = re.search(
        rf'href="{middle}" data-chart="(chart-\d+)" data-from="([^"]*)" data-to="([^"]*)"', text
    )
    assert link is not None
    chart, low, high = link.groups()
    assert low[:10] == high[:10] and low[:10] not in {"2024-08-25", "2024-09-01"}
    dom, console = open_in_browser(page, tmp_path, middle)
    assert console == []
    assert f'<body data-charts-drawn="{len(figures)}">' in dom
    zoomed = chart_doms(dom, len(figures))[int(chart.split("-")[1])]
    assert f'data-range="{low} {high}"' in zoomed
    ticks = re.findall(r'<g class="x2tick"><text[^>]*data-unformatted="([^"]*)"', zoomed)
    times = [t[:8] for t in ticks]
    assert times and all(low[11:19] <= t <= high[11:19] for t in times), (low, high, ticks)
    screenshot(page, tmp_path)  # the whole week (headless chromium shoots a scrolled page blank)
