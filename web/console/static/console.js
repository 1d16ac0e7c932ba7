// Refresh the board's live part in place; a lapsed session reloads the page, which goes to the login.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var seconds = parseInt(live.getAttribute("data-refresh"), 10) || 30;
  function refresh() {
    return fetch(live.getAttribute("data-src"), {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) { if (html !== null) { live.innerHTML = html; } })
      .catch(function () { /* offline for a moment: keep what is shown, try again next time */ });
  }
  window.gwRefresh = refresh;
  window.setInterval(refresh, seconds * 1000);
  document.querySelectorAll("#filters select").forEach(function (select) {
    select.addEventListener("change", function () { document.getElementById("filters").submit(); });
  });
})();
