// The dashboard's three trend charts (Apache ECharts), drawn from the data the page embeds.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const days = data.days.map((day) => day.slice(5));
  function draw(id, name, values, type, options) {
    const element = document.getElementById(id);
    if (!element || typeof echarts === "undefined") return;
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign({
      animation: false,
      grid: { left: 48, right: 12, top: 16, bottom: 28 },
      // Drawn on the canvas: the HTML tooltip writes style attributes through innerHTML,
      // which the Content-Security-Policy (no 'unsafe-inline' styles) refuses.
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: name, type: type, data: values, connectNulls: false }],
    }, options || {}));
    element.dataset.drawn = "true";
    window.addEventListener("resize", () => chart.resize());
  }
  draw("chart-resumption", data.labels.resumption_rate, data.resumption_rate, "line", {
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
  });
  draw("chart-on-duty", data.labels.on_duty, data.on_duty, "bar");
  draw("chart-events", data.labels.abnormal_events, data.abnormal_events, "bar", {
    color: ["#dc3545"],
  });
})();
