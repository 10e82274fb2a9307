/*
 * Bar charts of a survey's results, drawn with the vendored Apache ECharts
 * (static/vendor/echarts, docs/decisions/0015-echarts-vendored.md).
 *
 * The page already holds every figure in tables; this script only adds a chart above each
 * table. It reads the counts from the JSON element #survey-chart-data (written by Django's
 * json_script, never executed) and fills the empty .survey-chart boxes, which stay hidden
 * when JavaScript or ECharts is missing. The charts are hidden from screen readers: the
 * tables say the same.
 */
(function () {
  "use strict";

  var source = document.getElementById("survey-chart-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var questions;
  try {
    questions = JSON.parse(source.textContent || "[]");
  } catch (error) {
    return;
  }
  if (!Array.isArray(questions)) {
    return;
  }

  var BAR = "#164a8c"; // --blue of gongkai.css
  var charts = [];

  questions.forEach(function (question) {
    var box = document.querySelector('.survey-chart[data-question="' + Number(question.id) + '"]');
    if (!box || !Array.isArray(question.labels) || !Array.isArray(question.counts)) {
      return;
    }
    var rating = question.kind === "rating";
    var rows = question.labels.length;
    box.hidden = false;
    box.style.height = (rating ? 16 : Math.max(8, rows * 2.6 + 3)) + "rem";
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    var categories = { type: "category", data: question.labels, axisLabel: { width: 180, overflow: "break" } };
    var values = { type: "value", minInterval: 1 };
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      // Ratings read left to right; choices top to bottom in the question's order.
      xAxis: rating ? categories : values,
      yAxis: rating ? values : Object.assign({ inverse: true }, categories),
      series: [
        {
          type: "bar",
          data: question.counts,
          itemStyle: { color: BAR },
          label: { show: true, position: rating ? "top" : "right" },
          barMaxWidth: 36
        }
      ]
    });
    charts.push(chart);
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
