/*
 * Charts of the office's statistics page (统计), drawn with the vendored Apache ECharts
 * (static/vendor/echarts, docs/decisions/0015-echarts-vendored.md).
 *
 * The page holds every figure in its tables; this script only adds two line charts above them.
 * It reads the figures from the JSON element #statistics-chart-data (written by Django's
 * json_script, never executed) and fills the empty .statistics-chart boxes, which stay hidden
 * when JavaScript or ECharts is missing. The charts are hidden from screen readers: the tables
 * say the same.
 */
(function () {
  "use strict";

  var source = document.getElementById("statistics-chart-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data;
  try {
    data = JSON.parse(source.textContent || "{}");
  } catch (error) {
    return;
  }
  if (!data || typeof data !== "object") {
    return;
  }

  var COLOURS = ["#164a8c", "#b3121b", "#2e7d32", "#ef6c00", "#6a1b9a"];
  var charts = [];

  function draw(name, chart) {
    var element = document.querySelector('.statistics-chart[data-chart="' + name + '"]');
    if (!element || !chart || !Array.isArray(chart.categories) || !Array.isArray(chart.series)) {
      return;
    }
    element.hidden = false;
    var instance = window.echarts.init(element, null, { renderer: "svg" });
    instance.setOption({
      animation: false,
      color: COLOURS,
      title: { text: String(chart.title), textStyle: { fontSize: 15 } },
      legend: { top: 28 },
      grid: { left: 8, right: 24, top: 72, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: chart.categories.map(String) },
      yAxis: { type: "value", minInterval: 1 },
      series: chart.series.map(function (item) {
        return {
          name: String(item.name),
          type: "line",
          data: Array.isArray(item.values) ? item.values : []
        };
      })
    });
    charts.push(instance);
  }

  draw("months", data.months);
  draw("years", data.years);

  function resizeAll() {
    charts.forEach(function (chart) {
      chart.resize();
    });
  }
  resizeAll();
  window.addEventListener("resize", resizeAll);
})();
