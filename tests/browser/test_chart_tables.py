"""Every chart keeps its table: each <canvas> chart (static/js/trends.js, static/js/reports.js)
has its figures on the page in a table (shown, or folded in a <details>), so a person who cannot
see the chart reads the same numbers. Checked over every page that draws a chart: the person's
home and progress, the chart's progress tab, and every report."""

import re

import pytest

from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from reports.registry import SLUGS
from tests.browser.conftest import draw_charts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each drawn chart's plotted values (the band lines of a questionnaire chart are guides, not
# data: they are drawn dashed), and every number in the page's tables.
CHARTS_JS = """() => Array.from(document.querySelectorAll('canvas')).map(canvas => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  return {
    id: canvas.id,
    drawn: Boolean(chart),
    values: chart ? chart.data.datasets.filter(set => !set.borderDash)
      .flatMap(set => set.data).filter(value => value !== null && value !== undefined) : [],
  };
})"""
TABLE_TEXT_JS = """() => Array.from(document.querySelectorAll('main table td, main table th'))
  .map(cell => cell.textContent.trim())"""
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _table_numbers(page: object) -> list[float]:
    numbers = []
    for text in page.evaluate(TABLE_TEXT_JS):
        numbers += [float(n.replace(",", ".")) for n in NUMBER.findall(text.replace("\u2212", "-"))]
    return numbers


def _missing_from_tables(page: object) -> list[str]:
    """The charts on the page whose values are not all in its tables (each value matched to a
    cell of its own)."""
    problems = []
    charts = page.evaluate(CHARTS_JS)
    for chart in charts:
        if not chart["drawn"]:
            problems.append(f"{page.url} #{chart['id']}: the chart was not drawn")
            continue
        left = _table_numbers(page)
        for value in chart["values"]:
            match = next((n for n in left if abs(n - float(value)) < 0.01), None)
            if match is None:
                problems.append(f"{page.url} #{chart['id']}: {value} is in no table")
                break
            left.remove(match)
    return problems


def test_every_chart_has_a_table_with_its_figures(page):
    seed_demo(clinics=1, patients=4, seed=5)
    problems: list[str] = []
    charts = 0
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)
    own = Patient.objects.get(user__email="patient@demo.clinic")
    for path in ("/my-recovery/", f"/patients/{own.pk}/checkins/"):
        page.goto(path)
        draw_charts(page)
        charts += page.locator("canvas").count()
        problems += _missing_from_tables(page)
    page.context.clear_cookies()
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)
    for slug in SLUGS:
        page.goto(f"/reports/{slug}/")
        charts += page.locator("canvas").count()
        problems += _missing_from_tables(page)

    assert charts >= len(SLUGS) + 3, charts  # the home chart, the progress charts, each report
    assert problems == [], "\n".join(problems)


def test_a_chart_without_its_table_is_found(page):
    page.goto("/accounts/login/")  # a page of ours, with a chart and no table added
    page.add_script_tag(url="/static/vendor/chartjs/chart.umd.min.js")
    page.evaluate(
        """() => {
          const canvas = document.createElement('canvas');
          canvas.id = 'lonely';
          document.querySelector('main').append(canvas);
          new window.Chart(canvas, {type: 'line', data: {labels: ['a'],
            datasets: [{label: 'x', data: [42]}]}});
        }"""
    )

    assert _missing_from_tables(page) == [f"{page.url} #lonely: 42 is in no table"]


def test_chartjs_is_fetched_only_when_a_chart_comes_near_the_screen(browser, live_server):
    """A phone that never scrolls down to the charts never downloads Chart.js (200 KB); scrolling
    to the chart fetches it once and draws it."""
    seed_demo(clinics=1, patients=3, seed=5)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 480}, is_mobile=True
    )
    try:
        page = context.new_page()
        sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto("/my-recovery/")
        page.wait_for_load_state("networkidle")
        first_top = page.evaluate(
            "() => Math.min(...[...document.querySelectorAll('canvas[data-chart]')]"
            ".map(c => c.getBoundingClientRect().top))"
        )
        assert first_top > 480 + 200, first_top  # every chart starts well below the screen
        assert not [url for url in fetched if "chart.umd" in url]
        assert page.locator("canvas[data-drawn=true]").count() == 0

        draw_charts(page)
        assert len([url for url in fetched if "chart.umd" in url]) == 1
        assert page.locator("canvas#checkin-chart[data-drawn=true]").count() == 1
    finally:
        context.close()
