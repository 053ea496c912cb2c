// Live unread count on the notifications page: the server sends `notification` to this
// user's personal room (joined at connect) with {unread, notification?}.
(function () {
  "use strict";
  var counter = document.getElementById("unread-count");
  if (!counter || typeof io === "undefined") { return; }
  var banner = document.getElementById("notif-live");
  var template = counter.textContent.replace(/\d+/, "{n}");
  var socket = io({ transports: ["websocket", "polling"] });
  socket.on("notification", function (msg) {
    if (!msg || typeof msg.unread !== "number") { return; }
    counter.dataset.unread = String(msg.unread);
    counter.textContent = template.replace("{n}", String(msg.unread));
    if (msg.notification && banner) { banner.hidden = false; }
    document.title = document.title.replace(/^\(\d+\) /, "");
    if (msg.unread > 0) { document.title = "(" + msg.unread + ") " + document.title; }
  });
})();
