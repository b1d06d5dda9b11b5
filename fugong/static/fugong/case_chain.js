// The chain of transmission on the case page (Apache ECharts): the case, its contacts, their
// contacts, and the cases opened from a contact. The data comes from the page's JSON endpoint.
(function () {
  "use strict";
  const element = document.getElementById("case-chain");
  if (!element || typeof echarts === "undefined") return;
  const colors = ["#dc3545", "#fd7e14", "#6c757d", "#0d6efd"];
  fetch(element.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((data) => {
      const chart = echarts.init(element, null, { renderer: "canvas" });
      const nodes = data.nodes.map((node) => ({
        id: node.id,
        name: node.name + (node.classification ? " · " + node.classification : ""),
        category: node.category,
        symbolSize: node.root ? 34 : node.case_id ? 26 : 16,
        caseId: node.case_id || null,
        label: { show: true },
      }));
      chart.setOption({
        animation: false,
        color: colors,
        // Drawn on the canvas: the HTML tooltip writes style attributes, which the CSP refuses.
        tooltip: { renderMode: "richText" },
        legend: [{ data: data.categories.map((category) => category.name), bottom: 0 }],
        series: [{
          type: "graph",
          layout: "force",
          roam: true,
          draggable: true,
          zoom: 1.4,
          force: { repulsion: 320, edgeLength: [60, 130], gravity: 0.08 },
          categories: data.categories,
          data: nodes,
          links: data.links,
          edgeSymbol: ["none", "arrow"],
          edgeSymbolSize: 6,
          lineStyle: { color: "source", opacity: 0.7 },
          label: { position: "right", fontSize: 11 },
        }],
      });
      chart.on("click", (params) => {
        const caseId = params.data && params.data.caseId;
        if (caseId) window.location.href = element.dataset.caseUrl.replace("/0/", "/" + caseId + "/");
      });
      element.dataset.drawn = "true";
      element.dataset.nodes = String(nodes.length);
      window.addEventListener("resize", () => chart.resize());
    })
    .catch(() => { element.dataset.drawn = "failed"; });
})();
