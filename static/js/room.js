/* Live room client: joins over Socket.IO (websocket, long-polling fallback), renders room
   events in seq order without duplicates, rejoins with `since` after a drop, and re-sends
   unacknowledged chat with the same client_id so nothing is posted twice. */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || typeof io === "undefined") { return; }
  var cid = Number(root.dataset.consultationId);
  var me = Number(root.dataset.userId);
  var lastSeq = Number(root.dataset.seq) || 0;
  var pending = {};          // seq -> event received ahead of a gap
  var gapTimer = null;
  var outbox = [];           // chat not yet acknowledged: {client_id, text, li}
  var presence = {};         // user_id -> presence entry
  var names = {};            // user_id -> name, from everything seen
  var state = { queue: [], floor: null, agenda_item: null, status: "", me: {} };
  var conn = document.getElementById("conn");
  var chatLog = document.getElementById("chat-log");
  var chatForm = document.getElementById("chat-form");
  var chatError = document.getElementById("chat-error");
  var chairError = document.getElementById("chair-error");
  var handForm = document.getElementById("hand-form");
  var handButton = document.getElementById("hand-button");
  var refused = false;

  function t(key) { return root.dataset["t" + key] || ""; }
  function label(prefix, key) {   // "c", "government" -> data-t-c-government
    return root.dataset["t" + prefix + key.charAt(0).toUpperCase() + key.slice(1)] || key;
  }
  var el = window.Baraza.el;
  function setConn(s, message) {
    conn.dataset.state = s;
    conn.textContent = message || t({ live: "Live", connecting: "Connecting", offline: "Offline", refused: "Refused" }[s]);
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  var socket = io({ transports: ["websocket", "polling"], tryAllTransports: true,
                    reconnectionDelay: 500, reconnectionDelayMax: 10000 });
  window.barazaSocket = socket;   // votes.js renders the open motions on this same connection

  /* --- joining and replay ------------------------------------------------------------- */
  function join() {
    socket.timeout(15000).emit("room:join", { consultation_id: cid, since: lastSeq }, function (err, res) {
      if (err) { return; }  // timed out: the next reconnect rejoins
      if (!res || !res.ok) {
        var code = res && res.error ? res.error.code : "";
        if (code === "not_found" || code === "forbidden" || code === "unauthenticated") {
          refused = true;
          setConn("refused", (res.error && res.error.message) || t("Refused"));
          socket.disconnect();
        }
        return;
      }
      res.events.forEach(receive);
      if (res.seq >= lastSeq) {
        lastSeq = Math.max(lastSeq, res.seq);
        presence = {};
        res.presence.forEach(function (p) { presence[p.user_id] = p; names[p.user_id] = p.name; });
        applyState(res.state);
      }
      setConn("live");
      if (res.more) { join(); return; }
      flushOutbox();
    });
  }

  function receive(ev) {
    if (!ev || ev.consultation_id !== cid || ev.seq <= lastSeq) { return; }
    if (ev.seq > lastSeq + 1) {       // a gap: hold it, and ask for a replay if it persists
      pending[ev.seq] = ev;
      if (!gapTimer) { gapTimer = setTimeout(function () { gapTimer = null; if (socket.connected) { join(); } }, 2000); }
      return;
    }
    apply(ev);
    lastSeq = ev.seq;
    while (pending[lastSeq + 1]) {
      var next = pending[lastSeq + 1];
      delete pending[lastSeq + 1];
      apply(next);
      lastSeq = next.seq;
    }
    Object.keys(pending).forEach(function (s) { if (Number(s) <= lastSeq) { delete pending[s]; } });
  }

  socket.on("connect", function () { setConn("connecting"); join(); });
  socket.on("disconnect", function () { if (!refused) { setConn("offline"); } });
  socket.on("connect_error", function (err) {
    if (err && err.data && err.data.code === "unauthenticated") {
      refused = true;
      setConn("refused", err.data.message);
      socket.disconnect();
      return;
    }
    setConn("offline");
  });
  socket.io.on("reconnect_attempt", function () { if (!refused) { setConn("connecting"); } });
  socket.on("room:event", receive);
  setConn("connecting");
  // Say so at once when the device loses its network, and reconnect as soon as it is back
  // instead of waiting for the next back-off attempt (up to reconnectionDelayMax).
  window.addEventListener("offline", function () { if (!refused) { setConn("offline"); } });
  window.addEventListener("online", function () {
    if (refused || socket.connected) { return; }
    socket.disconnect();
    socket.connect();
  });

  /* --- applying events ---------------------------------------------------------------- */
  function nameOf(uid) { return names[uid] || (presence[uid] && presence[uid].name) || "#" + uid; }

  function apply(ev) {
    var d = ev.data || {};
    if (ev.actor) { names[ev.actor.id] = ev.actor.name; }
    switch (ev.type) {
      case "presence.joined": presence[d.user_id] = d; names[d.user_id] = d.name; renderPresence(); break;
      case "presence.left": delete presence[d.user_id]; renderPresence(); break;
      case "presence.changed":
        (d.joined || []).forEach(function (x) { presence[x.user_id] = x; names[x.user_id] = x.name; });
        (d.left || []).forEach(function (uid) { delete presence[uid]; });
        renderPresence(); break;
      case "attendance.changed": renderAttendance(d); break;
      case "chat.message": addChat(ev); break;
      case "hand.raised": case "hand.lowered": setQueue(d.queue); break;
      case "floor.given":
        names[d.user_id] = d.name;
        state.floor = { user_id: d.user_id, name: d.name, since: ev.at };
        setQueue(d.queue); renderFloor(); break;
      case "floor.released": state.floor = null; setQueue(d.queue); renderFloor(); break;
      case "agenda.changed": state.agenda_item = d; renderAgenda(); break;
      case "participant.removed":
        if (d.user_id === me) { refused = true; setConn("refused", t("Refused")); socket.disconnect(); }
        break;
      case "chat.muted": case "chat.unmuted": if (d.user_id === me) { refreshSoon(); } break;
      case "session.status": refreshSoon(); break;
      case "comment.created": case "amendment.created": case "amendment.decided":
      case "document.version": case "position.updated": addActivity(ev); break;
      default: break;  // other features' events (votes) are theirs to render
    }
  }

  /* --- document activity: comments, amendments, versions, positions, live -------------- */
  var activity = document.getElementById("doc-activity");
  function fill(tpl, values) {
    return tpl.replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }
  function addActivity(ev) {
    if (!activity) { return; }
    var list = document.getElementById("activity-list");
    if (list.querySelector('li[data-seq="' + ev.seq + '"]')) { return; }
    var d = ev.data || {}, a = ev.actor || {}, ds = activity.dataset, text;
    if (ev.type === "comment.created") {
      text = fill(d.parent_id ? ds.tReply : ds.tComment, { name: a.name || "" });
    } else if (ev.type === "amendment.created") {
      text = fill(ds.tAmendment, { name: a.name || "" });
    } else if (ev.type === "amendment.decided") {
      text = d.decision === "accepted" ? fill(ds.tAccepted, { n: d.version_number }) : ds.tRejected;
    } else if (ev.type === "document.version") {
      text = fill(ds.tVersion, { n: d.number, title: d.title || "" });
    } else {
      text = fill(ds.tPosition, { org: (d.organisation && d.organisation.name) || "" });
    }
    var li = el("li");
    li.dataset.seq = ev.seq;
    li.appendChild(el("span", "what", text));
    if (ev.type === "comment.created" && d.body) {
      li.appendChild(el("q", "excerpt", d.body.length > 140 ? d.body.slice(0, 140) + "…" : d.body));
    }
    if (d.document_id) {
      var link = el("a", "open", ds.tOpen);
      link.href = "/documents/" + d.document_id + (d.anchor ? "?anchor=" + encodeURIComponent(d.anchor) : "");
      li.appendChild(link);
    }
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 20) { list.removeChild(list.lastChild); }
    var empty = document.getElementById("activity-empty");
    if (empty) { empty.hidden = true; }
  }

  var refreshTimer = null;
  function refreshSoon() {  // rejoin for a fresh snapshot of what I may do
    if (refreshTimer) { return; }
    refreshTimer = setTimeout(function () { refreshTimer = null; if (socket.connected) { join(); } }, 50);
  }

  function applyState(s) {
    if (!s) { return; }
    state = s;
    (s.queue || []).forEach(function (q) { names[q.user_id] = q.name; });
    if (s.floor) { names[s.floor.user_id] = s.floor.name; }
    renderPresence(); renderQueue(); renderFloor(); renderAgenda(); renderMe();
    var badge = document.getElementById("session-status");
    if (badge) { badge.textContent = label("Status", s.status); badge.className = "badge status-" + s.status; }
    document.querySelectorAll("form[data-action=session] button").forEach(function (b) {
      b.disabled = (b.value === "live") === (s.status === "live");
    });
  }

  function setQueue(ids) {
    state.queue = (ids || []).map(function (uid) { return { user_id: uid, name: nameOf(uid) }; });
    if (state.me) { state.me.hand_raised = (ids || []).indexOf(me) >= 0; }
    renderQueue(); renderMe();
  }

  /* --- rendering ---------------------------------------------------------------------- */
  /* the attendance register: present / entitled, and the attendance quorum of the default rule */
  function renderAttendance(d) {
    var box = document.getElementById("attendance");
    if (!box) { return; }
    document.getElementById("attendance-present").textContent = d.present_count;
    document.getElementById("attendance-entitled").textContent = d.entitled_count;
    var q = document.getElementById("attendance-quorum"), f = box.dataset.quorumFraction;
    if (q && f) {
      var parts = f.split("/");
      var need = Math.ceil(Number(parts[0]) * d.entitled_count / Number(parts[1]));
      q.textContent = d.present_count >= need ? box.dataset.tMet : box.dataset.tNotMet;
    }
  }

  function renderPresence() {
    var groups = {};
    Object.keys(presence).forEach(function (k) {
      var p = presence[k];
      var g = p.role === "observer" ? "observer" : (p.constituency || "observer");
      (groups[g] = groups[g] || []).push(p);
    });
    var total = 0;
    document.querySelectorAll("#presence .pgroup").forEach(function (box) {
      var list = (groups[box.dataset.group] || []).sort(function (a, b) { return a.name.localeCompare(b.name); });
      var ul = box.querySelector("ul");
      ul.textContent = "";
      list.forEach(function (p) {
        var li = el("li", "", p.name + " ");
        li.dataset.userId = p.user_id;
        if (p.organisation) { li.appendChild(el("span", "meta", p.organisation.name)); }
        ul.appendChild(li);
      });
      box.querySelector(".count").textContent = String(list.length);
      box.hidden = list.length === 0;
      total += list.length;
    });
    document.getElementById("presence-count").textContent = String(total);
  }

  function renderQueue() {
    var ol = document.getElementById("queue");
    ol.textContent = "";
    if (!state.queue.length) { ol.appendChild(el("li", "empty", t("QueueEmpty"))); return; }
    state.queue.forEach(function (q) {
      var li = el("li", "", q.name || nameOf(q.user_id));
      li.dataset.userId = q.user_id;
      if (state.me && state.me.can_moderate) {
        var give = el("button", "btn small", t("Give"));
        give.type = "button";
        give.addEventListener("click", function () { act("floor:give", { user_id: q.user_id }, chairError); });
        var lower = el("button", "btn small ghost", t("LowerOther"));
        lower.type = "button";
        lower.addEventListener("click", function () { act("hand:lower", { user_id: q.user_id }, chairError); });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(give);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(lower);
      }
      ol.appendChild(li);
    });
  }

  function renderFloor() {
    var p = document.getElementById("floor");
    p.textContent = "";
    if (state.floor) {
      p.appendChild(el("strong", "", state.floor.name || nameOf(state.floor.user_id)));
      p.appendChild(document.createTextNode(" " + t("Floor")));
    } else {
      p.appendChild(el("span", "empty", t("Nobody")));
    }
    tick();
  }

  function renderAgenda() {
    var p = document.getElementById("agenda-current");
    var a = state.agenda_item;
    p.textContent = "";
    if (a) { p.textContent = a.position + ". " + a.title; } else { p.appendChild(el("span", "empty", t("None"))); }
  }

  function renderMe() {
    var m = state.me || {};
    if (chatForm) {
      chatForm.querySelectorAll("textarea, button").forEach(function (x) { x.disabled = !m.can_chat; });
    }
    if (handForm) {
      handForm.hidden = !m.can_raise_hand && !m.hand_raised;
      handButton.textContent = m.hand_raised ? t("Lower") : t("Raise");
      handButton.setAttribute("aria-pressed", m.hand_raised ? "true" : "false");
    }
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var out = document.getElementById("floor-time");
    if (!state.floor || !state.floor.since) { out.textContent = "–"; out.setAttribute("datetime", "PT0S"); return; }
    var secs = Math.max(0, Math.floor((Date.now() - Date.parse(state.floor.since)) / 1000));
    out.textContent = Math.floor(secs / 60) + ":" + pad(secs % 60);
    out.setAttribute("datetime", "PT" + secs + "S");
  }
  setInterval(tick, 1000);

  function chatItem(name, constituency, at, html) {
    var li = el("li");
    li.appendChild(el("span", "who", name));
    if (constituency) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "badge c-" + constituency, label("C", constituency)));
    }
    if (at) {
      var time = el("time", "", at.slice(11, 16));
      time.setAttribute("datetime", at);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(time);
    }
    var msg = el("div", "msg");
    msg.innerHTML = html;   // sanitised by the server (Markdown rendered, raw HTML refused)
    li.appendChild(msg);
    return li;
  }

  function addChat(ev) {
    if (chatLog.querySelector('li[data-seq="' + ev.seq + '"]')) { return; }
    var a = ev.actor || {};
    var li = chatItem(a.name || "", a.constituency, ev.at, ev.data.html);
    li.dataset.seq = ev.seq;
    var cidKey = ev.data.client_id;
    if (a.id === me && cidKey) {
      outbox = outbox.filter(function (m) {
        if (m.client_id !== cidKey) { return true; }
        if (m.li && m.li.parentNode) { m.li.parentNode.removeChild(m.li); }
        return false;
      });
    }
    var stick = chatLog.scrollHeight - chatLog.scrollTop - chatLog.clientHeight < 40;
    var firstPending = chatLog.querySelector("li.pending");
    chatLog.insertBefore(li, firstPending);
    if (stick) { chatLog.scrollTop = chatLog.scrollHeight; }
  }

  /* --- sending ------------------------------------------------------------------------ */
  function sendChat(m) {
    socket.timeout(10000).emit("chat:send", { consultation_id: cid, text: m.text, client_id: m.client_id }, function (err, res) {
      if (err) { return; }            // no answer: kept in the outbox, re-sent on reconnect
      if (res && res.ok) { m.acked = true; return; }
      outbox = outbox.filter(function (x) { return x !== m; });
      if (m.li && m.li.parentNode) { m.li.parentNode.removeChild(m.li); }
      chatError.textContent = res && res.error ? res.error.message : "";
      if (chatForm) { chatForm.querySelector("textarea").value = m.text; }
    });
  }

  function flushOutbox() { outbox.forEach(function (m) { if (!m.acked) { sendChat(m); } }); }

  if (chatForm) {
    var area = chatForm.querySelector("textarea");
    chatForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = area.value.trim();
      if (!text) { return; }
      chatError.textContent = "";
      var m = { client_id: newId(), text: text, acked: false };
      m.li = el("li", "pending");
      m.li.appendChild(el("span", "who", t("Pending")));
      m.li.appendChild(el("div", "msg", text));
      chatLog.appendChild(m.li);
      chatLog.scrollTop = chatLog.scrollHeight;
      outbox.push(m);
      area.value = "";
      if (socket.connected) { sendChat(m); }
    });
    area.addEventListener("keydown", function (e) {   // Enter sends, Shift+Enter breaks the line
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); chatForm.requestSubmit(); }
    });
  }

  function act(event, payload, errorBox) {
    payload.consultation_id = cid;
    if (errorBox) { errorBox.textContent = ""; }
    socket.timeout(10000).emit(event, payload, function (err, res) {
      if (!errorBox) { return; }
      if (err) { errorBox.textContent = t("Offline"); return; }
      if (!res.ok) { errorBox.textContent = res.error.message; }
    });
  }

  if (handForm) {
    handForm.addEventListener("submit", function (e) {
      e.preventDefault();
      act(state.me && state.me.hand_raised ? "hand:lower" : "hand:raise", {}, chatError);
    });
  }

  var CHAIR_EVENTS = { session: "session:set", give: "floor:give", release: "floor:release", agenda: "agenda:set",
                       mute: "chat:mute", unmute: "chat:unmute", remove: "participant:remove" };
  document.querySelectorAll("form.chair-form").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var by = e.submitter || {};
      var action = (by.dataset && by.dataset.action) || form.dataset.action;
      var payload = {};
      var user = form.querySelector("select[name=user_id]");
      var item = form.querySelector("select[name=agenda_item_id]");
      if (user) { payload.user_id = Number(user.value); }
      if (item) { payload.agenda_item_id = Number(item.value); }
      if (action === "session") { payload.status = by.value; }
      act(CHAIR_EVENTS[action], payload, chairError);
    });
  });
}());
