// Draws a report's chart with Chart.js from the figures the page embeds (json_script); the
// same figures are in the tables under it, which are the accessible alternative.
(function () {
  "use strict";

  var COLORS = ["#0a58ca", "#0a7d32", "#b35900", "#b02a37", "#6f42c1", "#495057"];

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
    new window.Chart(canvas, {
      type: chart.kind,
      data: { labels: chart.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: chart.stacked },
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
