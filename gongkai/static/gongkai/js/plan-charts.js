/*
 * Charts of a key-task plan, drawn with the vendored Apache ECharts
 * (static/vendor/echarts, docs/decisions/0015-echarts-vendored.md).
 *
 * The page already holds every figure in its tables; this script only adds two charts: each
 * category's weighted progress (bars from 0 to 100%) and the number of tasks in each state.
 * It reads the figures from the JSON element #plan-chart-data (written by Django's
 * json_script, never executed) and fills the empty .kt-chart boxes, which stay hidden when
 * JavaScript or ECharts is missing. The charts are hidden from screen readers: the tables say
 * the same.
 */
(function () {
  "use strict";

  var source = document.getElementById("plan-chart-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data;
  try {
    data = JSON.parse(source.textContent || "{}");
  } catch (error) {
    return;
  }
  if (!data || !Array.isArray(data.categories) || !Array.isArray(data.states)) {
    return;
  }

  var BLUE = "#164a8c"; // --blue of gongkai.css
  var STATE_COLOURS = {
    assigned: "#8a94a3",
    signed: "#5b7fb3",
    in_progress: "#164a8c",
    completion_reported: "#b07800",
    sent_back: "#b3121b",
    accepted: "#2e7d43"
  };
  var charts = [];

  function box(name) {
    var element = document.querySelector('.kt-chart[data-chart="' + name + '"]');
    if (element) {
      element.hidden = false;
    }
    return element;
  }

  var categories = box("categories");
  if (categories && data.categories.length) {
    categories.style.height = Math.max(12, data.categories.length * 2.4 + 3) + "rem";
    var bars = window.echarts.init(categories, null, { renderer: "svg" });
    bars.setOption({
      animation: false,
      grid: { left: 8, right: 48, top: 10, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) {
        return v === null ? "—" : v + "%";
      } },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.categories.map(function (row) { return row.name; }),
        axisLabel: { width: 200, overflow: "break" }
      },
      series: [
        {
          type: "bar",
          data: data.categories.map(function (row) { return row.progress; }),
          itemStyle: { color: BLUE },
          label: { show: true, position: "right", formatter: "{c}%" },
          barMaxWidth: 28
        }
      ]
    });
    charts.push(bars);
  }

  var states = box("states");
  if (states && data.states.length) {
    states.style.height = "16rem";
    var pie = window.echarts.init(states, null, { renderer: "svg" });
    pie.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      legend: { bottom: 0, type: "scroll" },
      series: [
        {
          type: "pie",
          radius: ["35%", "65%"],
          center: ["50%", "42%"],
          label: { formatter: "{b}: {c}" },
          data: data.states.map(function (row) {
            return {
              name: row.label,
              value: row.count,
              itemStyle: { color: STATE_COLOURS[row.state] || BLUE }
            };
          })
        }
      ]
    });
    charts.push(pie);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
