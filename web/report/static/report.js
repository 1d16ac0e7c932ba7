// 随手拍: the place list follows the chosen village, 几栋 shows for estates, 定位 fills lat/lng,
// and too many photos are caught before the upload. The form works without any of it.
(function () {
  "use strict";
  var village = document.getElementById("village");
  var place = document.getElementById("place");
  var building = document.getElementById("building");
  var all = Array.prototype.slice.call(place.querySelectorAll("option[data-village]"));
  var chosen = place.value;

  function fillPlaces() {
    var v = village.value;
    while (place.options.length > 1) { place.remove(1); }
    place.querySelectorAll("optgroup").forEach(function (g) { g.remove(); });
    all.forEach(function (o) { if (!v || o.getAttribute("data-village") === v) { place.appendChild(o); } });
    place.value = chosen && all.some(function (o) { return o.value === chosen && o.parentNode === place; }) ? chosen : "";
    showBuilding();
  }
  function showBuilding() {
    var o = place.options[place.selectedIndex];
    var has = o && Number(o.getAttribute("data-buildings") || 0) > 0;
    building.parentNode.querySelector("label[for=building]").hidden = !has;
    building.hidden = !has;
    if (!has) { building.value = ""; }
  }
  village.addEventListener("change", function () { chosen = ""; fillPlaces(); });
  place.addEventListener("change", function () { chosen = place.value; showBuilding(); });
  fillPlaces();

  var locate = document.getElementById("locate");
  var note = document.getElementById("locate-note");
  if (navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      note.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (p) {
        document.getElementById("lat").value = p.coords.latitude.toFixed(6);
        document.getElementById("lng").value = p.coords.longitude.toFixed(6);
        note.textContent = "已定位（误差约" + Math.round(p.coords.accuracy) + "米）";
      }, function () {
        note.textContent = "没能定位，请从列表选择地点";
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }
  if (document.getElementById("lat").value) { note.textContent = "已定位"; }

  var photos = document.getElementById("photos");
  var photoNote = document.getElementById("photo-note");
  photos.addEventListener("change", function () {
    var max = Number(photos.getAttribute("data-max"));
    if (photos.files.length > max) {
      photos.value = "";
      photoNote.textContent = "最多" + max + "张，请重新选择";
    } else {
      photoNote.textContent = photos.files.length ? "已选" + photos.files.length + "张" : "";
    }
  });
}());
