// Draws the check-in and assessment trends with Chart.js from data the page embeds as JSON
// (json_script); every chart also has a table alternative in the page.
// Chart.js (200 KB) is fetched only when a chart comes near the screen, so a page whose charts
// sit below the fold, or a phone that never scrolls to them, does not pay for it. The script tag
// that loads this file names Chart.js in data-chartjs. Each canvas gets data-drawn: "true" once
// its chart is drawn, "empty" when it has no data.
(function () {
  "use strict";

  var CHARTJS = document.currentScript && document.currentScript.dataset.chartjs;
  var loading = null;

  function loadChartJs() {
    if (window.Chart) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = CHARTJS;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var COLORS = { mood: "#0a7d32", craving: "#b02a37", stress: "#b35900", score: "#0a58ca" };

  function checkinChart(canvas, series) {
    var labels = JSON.parse(canvas.dataset.labels);
    var days = series.map(function (row) { return row.label || row.date; });
    var dataset = function (key) {
      return {
        label: labels[key],
        data: series.map(function (row) { return row[key]; }),
        borderColor: COLORS[key],
        backgroundColor: COLORS[key],
        tension: 0.25,
        pointRadius: 2,
      };
    };
    return new window.Chart(canvas, {
      type: "line",
      data: { labels: days, datasets: [dataset("mood"), dataset("craving"), dataset("stress")] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true } },
          y: { min: 0, max: 10, ticks: { stepSize: 2 } },
        },
      },
    });
  }

  function assessmentChart(canvas, points, bands) {
    var days = points.map(function (p) { return p.label || p.date; });
    var datasets = [{
      label: canvas.dataset.name,
      data: points.map(function (p) { return p.total; }),
      borderColor: COLORS.score,
      backgroundColor: COLORS.score,
      pointRadius: 3,
    }];
    // Band boundaries as dashed lines: the lower bound of every band but the first.
    (bands || []).slice(1).forEach(function (band) {
      datasets.push({
        label: band.slug,
        data: days.map(function () { return band.low; }),
        borderColor: "#6c757d",
        borderDash: [4, 4],
        borderWidth: 1,
        pointRadius: 0,
      });
    });
    return new window.Chart(canvas, {
      type: "line",
      data: { labels: days, datasets: datasets },
      options: {
        animation: false,
        scales: { x: { ticks: { maxRotation: 0, autoSkip: true } } },
        plugins: { legend: { labels: { filter: function (item) { return item.datasetIndex === 0; } } } },
      },
    });
  }

  function draw(canvas, series, assessments, bands) {
    if (canvas.dataset.chart === "checkins") {
      canvas.chart = checkinChart(canvas, series);
    } else {
      var slug = canvas.dataset.instrument;
      canvas.chart = assessmentChart(canvas, assessments[slug], bands[slug]);
    }
    canvas.dataset.drawn = "true";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var series = readJSON("checkin-series") || [];
    var assessments = readJSON("assessment-series") || {};
    var bands = readJSON("assessment-bands") || {};
    var waiting = [];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var hasData = canvas.dataset.chart === "checkins"
        ? series.length > 0
        : (assessments[canvas.dataset.instrument] || []).length > 0;
      if (hasData) {
        waiting.push(canvas);
      } else {
        canvas.setAttribute("aria-label", canvas.dataset.name || canvas.getAttribute("aria-label"));
        canvas.dataset.drawn = "empty";
      }
    });
    if (!waiting.length || !CHARTJS) return;

    function drawSoon(canvas) {
      loadChartJs().then(function () { draw(canvas, series, assessments, bands); });
    }
    if (!("IntersectionObserver" in window)) {
      waiting.forEach(drawSoon);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        drawSoon(entry.target);
      });
    }, { rootMargin: "200px 0px" });
    waiting.forEach(function (canvas) { observer.observe(canvas); });
  });

})();
