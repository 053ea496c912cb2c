/* A page kept current without a reload (loaded after socket.io.min.js):
   - the header's notifications link shows the unread count the server sends to this user
     (`notification` {unread}); the words come from this script tag's data-unread / data-none;
   - on a consultation page (#consultation-live[data-consultation-id]) the status badge follows
     `consultation:status` events, and a note offers to reload for the actions of the new status. */
(function () {
  "use strict";
  if (typeof io === "undefined") { return; }
  var me = document.currentScript || document.querySelector("script[data-live]");
  var nav = document.getElementById("nav-notifications");
  var box = document.getElementById("consultation-live");
  if (!nav && !box) { return; }
  var socket = io({ transports: ["websocket", "polling"] });

  socket.on("notification", function (msg) {
    if (!nav || !me || !msg || typeof msg.unread !== "number") { return; }
    var text = msg.unread > 0 ? (me.dataset.unread || "").replace("{n}", String(msg.unread)) : me.dataset.none;
    if (text) { nav.textContent = text; }
  });

  if (!box) { return; }
  var cid = Number(box.dataset.consultationId);
  var labels = {};
  try { labels = JSON.parse(box.dataset.labels || "{}"); } catch (e) { labels = {}; }
  function watch() { socket.emit("consultation:watch", { consultation_id: cid }); }
  socket.on("connect", watch);
  socket.on("consultation:status", function (msg) {
    if (!msg || msg.consultation_id !== cid) { return; }
    var badge = document.querySelector(".page-head .badge[class*='status-']");
    if (badge) {
      badge.className = "badge status-" + msg.status;
      badge.textContent = labels[msg.status] || msg.status;
    }
    box.hidden = false;
  });
})();
