// Filing page: pick the location on a map of the grids (no tile server: the grid
// boundaries themselves are the map), or take it from the phone's GPS.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  var map = L.map(el, { attributionControl: false });
  var marker = null;
  function place(latlng, pan) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
    // Lets the duplicate hints (htmx, listening for "change" on the form) look again.
    lng.dispatchEvent(new Event("change", { bubbles: true }));
    if (pan) map.setView(latlng, Math.max(map.getZoom(), 14));
  }
  fetch(el.dataset.gridUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: { color: "#3867d6", weight: 1, fillOpacity: 0.08 },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
      }).addTo(map);
      if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
      if (lat.value && lng.value) place(L.latLng(+lat.value, +lng.value), false);
    });
  map.setView([31.6, 117.9], 11);
  map.on("click", function (e) { place(e.latlng, false); });
  document.getElementById("locate").addEventListener("click", function () {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (p) {
      place(L.latLng(p.coords.latitude, p.coords.longitude), true);
    });
  });
})();
