/*
 * Charts of a month's performance table (每月公示), drawn with the vendored Apache ECharts
 * (static/vendor/echarts, docs/decisions/0015-echarts-vendored.md).
 *
 * The page already holds every figure in its table; this script only adds two charts above
 * it. It reads the figures from the JSON element #monthly-chart-data (written by Django's
 * json_script, never executed) and fills the empty .monthly-chart boxes, which stay hidden
 * when JavaScript or ECharts is missing or when there is nothing to draw. The charts are
 * hidden from screen readers: the table says the same.
 */
(function () {
  "use strict";

  var source = document.getElementById("monthly-chart-data");
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

  var COLOURS = ["#164a8c", "#b3121b"]; // --blue and --red of gongkai.css
  var charts = [];

  function box(name) {
    return document.querySelector('.monthly-chart[data-chart="' + name + '"]');
  }

  function series(list) {
    return list.map(function (item, index) {
      return {
        name: String(item.name),
        type: "bar",
        data: Array.isArray(item.values) ? item.values : [],
        itemStyle: { color: COLOURS[index % COLOURS.length] },
        label: {
          show: true,
          position: "right",
          formatter: function (params) {
            return params.value ? String(params.value) : "";
          }
        },
        barMaxWidth: 28
      };
    });
  }

  function draw(element, option, height) {
    element.hidden = false;
    element.style.height = height + "rem";
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  var publications = data.publications;
  var element = box("publications");
  if (element && publications && Array.isArray(publications.agencies) &&
      publications.agencies.length && Array.isArray(publications.series)) {
    draw(element, {
      animation: false,
      title: { text: String(publications.title), textStyle: { fontSize: 15 } },
      legend: { top: 28 },
      grid: { left: 8, right: 40, top: 64, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: publications.agencies,
               axisLabel: { width: 160, overflow: "truncate" } },
      series: series(publications.series)
    }, Math.max(12, publications.agencies.length * 2.2 + 6));
  }

  var replies = data.replies;
  element = box("replies");
  if (element && replies && Array.isArray(replies.categories) && Array.isArray(replies.series)) {
    var any = replies.series.some(function (item) {
      return Array.isArray(item.values) && item.values.some(function (value) { return value > 0; });
    });
    if (any) {
      draw(element, {
        animation: false,
        title: { text: String(replies.title), textStyle: { fontSize: 15 } },
        legend: { top: 28 },
        grid: { left: 8, right: 40, top: 64, bottom: 10, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: replies.categories },
        series: series(replies.series)
      }, 16);
    }
  }

  function resizeAll() {
    charts.forEach(function (chart) {
      chart.resize();
    });
  }
  // A box shown after another was drawn may have changed the layout: size them all again.
  resizeAll();
  window.addEventListener("resize", resizeAll);
})();
