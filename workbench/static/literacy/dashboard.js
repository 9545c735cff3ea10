// HR literacy dashboard charts. Data comes from the page's json_script block (no inline script).
// Readable without colour: each tier has its own pattern and the target lines are dashed and
// labelled; the same numbers are in the tables below the charts for screen readers.
(function () {
  "use strict";

  var TIERS = [
    { key: "bronze", label: "Bronze or above (Awareness)", colour: "#a0642b", dash: [] },
    { key: "silver", label: "Silver or above (Proficiency)", colour: "#5b6770", dash: [8, 4] },
    { key: "gold", label: "Gold (Fluency)", colour: "#b08d00", dash: [2, 3] },
  ];

  function pattern(colour, kind) {
    var size = 10;
    var canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = "rgba(255,255,255,0.85)";
    ctx.lineWidth = 2;
    ctx.beginPath();
    if (kind === "silver") {
      ctx.moveTo(0, size);
      ctx.lineTo(size, 0);
    } else if (kind === "gold") {
      ctx.arc(size / 2, size / 2, 2, 0, 2 * Math.PI);
    }
    ctx.stroke();
    return ctx.createPattern(canvas, "repeat");
  }

  function departmentsChart(el, data) {
    var datasets = TIERS.map(function (tier) {
      return {
        type: "bar",
        label: tier.label,
        data: data.departments[tier.key],
        backgroundColor: pattern(tier.colour, tier.key),
        borderColor: "#1b1b1b",
        borderWidth: 1,
      };
    });
    TIERS.forEach(function (tier) {
      datasets.push({
        type: "line",
        label: "Target " + tier.key + " (" + data.targets[tier.key] + "%)",
        data: data.departments.labels.map(function () { return data.targets[tier.key]; }),
        borderColor: tier.colour,
        borderDash: [6, 4],
        borderWidth: 2,
        pointRadius: 0,
        fill: false,
      });
    });
    return new window.Chart(el, {
      data: { labels: data.departments.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: "% of people" } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  function trendChart(el, data) {
    var datasets = TIERS.map(function (tier) {
      return {
        label: tier.label,
        data: data.trend[tier.key],
        borderColor: tier.colour,
        backgroundColor: tier.colour,
        borderDash: tier.dash,
        pointStyle: tier.key === "bronze" ? "circle" : tier.key === "silver" ? "rect" : "triangle",
        pointRadius: 4,
        fill: false,
      };
    });
    return new window.Chart(el, {
      type: "line",
      data: { labels: data.trend.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: "% of people" } } },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
      },
    });
  }

  function init() {
    var source = document.getElementById("literacy-chart-data");
    if (!source || !window.Chart) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var departments = document.getElementById("literacy-departments-chart");
    if (departments) {
      departments.dataset.ready = String(!!departmentsChart(departments, data));
    }
    var trend = document.getElementById("literacy-trend-chart");
    if (trend) {
      trend.dataset.ready = String(!!trendChart(trend, data));
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
