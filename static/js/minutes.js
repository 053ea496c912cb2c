// Live preview of the minutes editor: the server renders (same sanitising as the page) after a
// short pause in typing. Without JavaScript the Preview button does the same round trip.
(function () {
  "use strict";
  var form = document.getElementById("minutes-editor");
  if (!form || !window.fetch) { return; }
  var body = form.querySelector("textarea[name=body]");
  var preview = document.getElementById("preview");
  var token = form.querySelector("input[name=csrf_token]");
  var timer = null;
  var seq = 0;
  function refresh() {
    var mine = ++seq;
    var data = new FormData();
    data.append("body", body.value);
    fetch(form.dataset.previewUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json"}
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (json) {
      if (json && mine === seq) { preview.innerHTML = json.html; }
    }).catch(function () { /* keep the last preview */ });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  refresh();
})();
