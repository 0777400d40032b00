// Draws a report's chart with Chart.js from the figures the page embeds (json_script); the
// same figures are in the tables under it, which are the accessible alternative.
(function () {
  "use strict";

  var COLORS = ["#0a58ca", "#0a7d32", "#b35900", "#b02a37", "#6f42c1", "#495057"];
  var ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

  // A day on an axis the way the reader writes it ("Dec 3" in English, "3 déc." in French),
  // in the page's language; other labels (program names, ...) are left as they are.
  function axisLabel(label, format) {
    var match = ISO_DAY.exec(label);
    if (!match || !format) { return label; }
    return format.format(new Date(+match[1], +match[2] - 1, +match[3]));
  }

  function dayFormat() {
    try {
      var lang = document.documentElement.lang || undefined;
      return new Intl.DateTimeFormat(lang, { month: "short", day: "numeric" });
    } catch (error) {
      return null;
    }
  }

  function draw() {
    var node = document.getElementById("report-chart");
    var canvas = document.getElementById("report-chart-canvas");
    if (!node || !canvas || !window.Chart) { return; }
    var chart = JSON.parse(node.textContent);
    var datasets = chart.datasets.map(function (set, index) {
      var color = COLORS[index % COLORS.length];
      return {
        label: set.label,
        data: set.data,
        borderColor: color,
        backgroundColor: color,
        tension: 0.25,
        pointRadius: 3,
      };
    });
    var format = dayFormat();
    var labels = chart.labels.map(function (label) { return axisLabel(label, format); });
    canvas.chart = new window.Chart(canvas, {
      type: chart.kind,
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          // Labels stay level: Chart.js skips some when they do not fit, never rotates them.
          x: { stacked: chart.stacked, ticks: { maxRotation: 0, autoSkip: true } },
          y: { stacked: chart.stacked, beginAtZero: true, title: { display: !!chart.y_label, text: chart.y_label } },
        },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
