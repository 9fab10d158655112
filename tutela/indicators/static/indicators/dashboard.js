/*
 * The indicators dashboard's charts (Chart.js 4, vendored). The numbers come from the page itself, through
 * json_script (#indicator-charts); the same numbers are in the tables beside each chart.
 * No inline script anywhere (CSP): this file is loaded with the response's nonce.
 */
(function () {
  "use strict";

  var PALETTE = ["#0066cc", "#008055", "#cc7a00", "#a61d2d", "#5c6f82", "#7a3e9d", "#00838f", "#995c00"];

  function draw(spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) {
      return;
    }
    var doughnut = spec.type === "doughnut";
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: [
          {
            label: spec.label,
            data: spec.values,
            backgroundColor: doughnut ? PALETTE.slice(0, spec.values.length) : PALETTE[0],
          },
        ],
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: doughnut, position: "bottom" } },
        scales: doughnut ? {} : { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 }, beginAtZero: true } },
      },
    });
  }

  function start() {
    var source = document.getElementById("indicator-charts");
    if (!source || !window.Chart) {
      return;
    }
    JSON.parse(source.textContent).forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
