/*
 * Charts of the public scorecards (成绩单), drawn with the vendored Apache ECharts
 * (static/vendor/echarts, docs/decisions/0015-echarts-vendored.md).
 *
 * The page already holds every figure in a table; this script only adds a chart above it. It
 * reads the figures from the JSON element #scorecard-chart-data (written by Django's
 * json_script, never executed) and fills the empty .scorecard-chart box, which stays hidden
 * when JavaScript or ECharts is missing. The chart is hidden from screen readers: the table
 * says the same.
 *
 * "ranking": every agency's total, best first, as horizontal bars.
 * "card": one agency's points on each top-level indicator beside the maximum.
 */
(function () {
  "use strict";

  var source = document.getElementById("scorecard-chart-data");
  var box = document.querySelector(".scorecard-chart");
  if (!source || !box || typeof window.echarts === "undefined") {
    return;
  }
  var data;
  try {
    data = JSON.parse(source.textContent || "{}");
  } catch (error) {
    return;
  }
  if (!data || !Array.isArray(data.labels) || !Array.isArray(data.values)) {
    return;
  }

  var BAR = "#164a8c"; // --blue of gongkai.css
  var MAX = "#d9dee7";
  var rows = data.labels.length;
  box.hidden = false;

  var chart;
  if (data.kind === "ranking") {
    box.style.height = Math.max(10, rows * 1.6 + 3) + "rem";
    chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 48, top: 10, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0, max: typeof data.max === "number" ? data.max : null },
      yAxis: { type: "category", inverse: true, data: data.labels, axisLabel: { width: 160, overflow: "truncate" } },
      series: [
        {
          type: "bar",
          data: data.values,
          itemStyle: { color: BAR },
          label: { show: true, position: "right" },
          barMaxWidth: 18
        }
      ]
    });
  } else {
    var maxima = Array.isArray(data.max) ? data.max : [];
    box.style.height = Math.max(10, rows * 3 + 4) + "rem";
    chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 48, top: 30, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      xAxis: { type: "value", min: 0 },
      yAxis: { type: "category", inverse: true, data: data.labels, axisLabel: { width: 180, overflow: "break" } },
      series: [
        {
          name: box.getAttribute("data-label-points") || "",
          type: "bar",
          data: data.values,
          itemStyle: { color: BAR },
          label: { show: true, position: "right" },
          barMaxWidth: 24
        },
        {
          name: box.getAttribute("data-label-max") || "",
          type: "bar",
          data: maxima,
          itemStyle: { color: MAX },
          barMaxWidth: 24
        }
      ]
    });
  }

  window.addEventListener("resize", function () {
    chart.resize();
  });
})();
