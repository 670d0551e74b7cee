"""report.html in headless Chromium with the network cut: the charts are drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def report_page(offline_page, seed_build: Path):
    page, log = offline_page
    page.goto((seed_build / "report.html").resolve().as_uri())
    page.wait_for_load_state("load")
    return page, log


def _visible_boxes(page, selector: str) -> list[dict]:
    handles = page.query_selector_all(selector)
    return [h.bounding_box() for h in handles if h.is_visible()]


def test_bar_chart_draws_one_visible_bar_per_source(report_page, seed_build):
    page, log = report_page
    metrics = json.loads((seed_build / "metrics.json").read_text(encoding="utf-8"))
    sources = len(metrics["most_cited"]["outlet"]) + len(metrics["most_cited"]["document"])
    chart = page.query_selector("svg.bar-chart")
    assert chart is not None and chart.is_visible()
    assert chart.bounding_box()["width"] > 300 and chart.bounding_box()["height"] > 100
    boxes = _visible_boxes(page, "svg.bar-chart rect.bar")
    assert len(boxes) == min(15, sources) > 0
    assert all(b["width"] > 0 and b["height"] > 0 for b in boxes)
    widths = [b["width"] for b in boxes]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    assert log.blocked == []


def test_timeline_draws_a_point_per_dated_month(report_page, seed_build):
    page, log = report_page
    metrics = json.loads((seed_build / "metrics.json").read_text(encoding="utf-8"))
    months = [m for m in metrics["over_time"] if m != "undated"]
    points = _visible_boxes(page, "svg.timeline circle.point")
    assert len(points) == len(months) == 3
    assert all(b["width"] > 0 and b["height"] > 0 for b in points)
    line = page.query_selector("svg.timeline polyline.line")
    assert line is not None and line.bounding_box()["width"] > 100
    assert log.blocked == []


def test_no_outside_requests_and_links_work(report_page):
    page, log = report_page
    assert log.blocked == []
    assert all(url.startswith("file://") for url in log.requests)
    page.click('section#outlets a[href^="#e-"] >> nth=0')
    target = page.evaluate("location.hash")
    assert target.startswith("#e-")
    assert page.is_visible(target)
    assert page.dialogs == []
