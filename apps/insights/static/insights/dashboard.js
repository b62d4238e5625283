/* Leader dashboard: monthly trend (ECharts) and the grid map (Leaflet, no tile layer:
   the grids' own GeoJSON boundaries are the whole map). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trend-data").textContent);
  var trendEl = document.getElementById("trend");
  if (trendEl && window.echarts) {
    var chart = echarts.init(trendEl, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 40, right: 40, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [
        { name: data.labels.accepted, type: "bar", data: data.accepted },
        { name: data.labels.closed, type: "bar", data: data.closed },
        { name: data.labels.completion, type: "line", yAxisIndex: 1, data: data.completion, connectNulls: true },
        { name: data.labels.on_time, type: "line", yAxisIndex: 1, data: data.on_time, connectNulls: true },
        { name: data.labels.satisfaction, type: "line", yAxisIndex: 1, data: data.satisfaction, connectNulls: true }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    trendEl.dataset.ready = "1";
  }

  var mapEl = document.getElementById("grid-map");
  if (!mapEl || !window.L) { return; }
  var map = L.map(mapEl, { attributionControl: false, zoomSnap: 0.25 });
  var layer = null, features = null;
  var palette = ["#e8f5e9", "#fff59d", "#ffcc80", "#ff8a65", "#e53935"];
  function colour(value, max) {
    if (!value) { return palette[0]; }
    var step = Math.min(palette.length - 1, 1 + Math.floor((value / Math.max(max, 1)) * (palette.length - 2)));
    return palette[step];
  }
  function draw() {
    var mode = (document.querySelector("input[name=map-mode]:checked") || {}).value || mapEl.dataset.colorBy;
    var max = 0;
    features.features.forEach(function (f) { max = Math.max(max, f.properties[mode] || 0); });
    if (layer) { map.removeLayer(layer); }
    layer = L.geoJSON(features, {
      style: function (f) {
        return { color: "#455a64", weight: 1, fillOpacity: 0.85, fillColor: colour(f.properties[mode], max) };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindTooltip(p.name + " · " + mapEl.dataset.openLabel + " " + p.open + " · " + mapEl.dataset.overdueLabel + " " + p.overdue);
        l.on("click", function () { window.location.search = mapEl.dataset.drill + p.id; });
      }
    }).addTo(map);
    mapEl.dataset.mode = mode;
  }
  fetch(mapEl.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
    features = geo;
    mapEl.dataset.grids = String(geo.features.length);
    if (!geo.features.length) { mapEl.textContent = mapEl.dataset.empty || "—"; return; }
    draw();
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    mapEl.dataset.ready = "1";
  });
  document.querySelectorAll("input[name=map-mode]").forEach(function (input) {
    input.addEventListener("change", function () { if (features) { draw(); } });
  });
})();
