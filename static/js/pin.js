// Case page: the case's pin inside its grid's boundary (no tiles needed).
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var point = L.latLng(+el.dataset.lat, +el.dataset.lng);
  var map = L.map(el, { attributionControl: false }).setView(point, 15);
  var boundary = document.getElementById("grid-boundary");
  if (boundary && boundary.textContent.trim() !== "null") {
    var layer = L.geoJSON(JSON.parse(boundary.textContent), { style: { color: "#3867d6", weight: 2, fillOpacity: 0.1 } }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [20, 20] });
  }
  L.marker(point).addTo(map);
})();
