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
  var state = { queue: [], speakers: [], floor: null, agenda_item: null, status: "", me: {} };
  var skew = 0;              // server clock minus this device's, from the join answer's `now`
  var conn = document.getElementById("conn");
  var chatLog = document.getElementById("chat-log");
  var chatForm = document.getElementById("chat-form");
  var chatError = document.getElementById("chat-error");
  var chairError = document.getElementById("chair-error");
  var handForm = document.getElementById("hand-form");
  var handButton = document.getElementById("hand-button");
  var handError = document.getElementById("hand-error");
  var refused = false;
  var clock = document.getElementById("floor-clock");
  if (clock && clock.dataset.now) { skew = Date.parse(clock.dataset.now) - Date.now(); }

  function t(key) { return root.dataset["t" + key] || ""; }
  function label(prefix, key) {   // "c", "government" -> data-t-c-government
    return root.dataset["t" + prefix + key.charAt(0).toUpperCase() + key.slice(1)] || key;
  }
  var el = window.Baraza.el;
  function setConn(s, message) {
    conn.dataset.state = s;
    if (s === "live" && !message && state.status && state.status !== "live") {
      conn.dataset.state = "idle";     // connected, but no sitting is running: say so
      message = t(state.status === "closed" ? "Closed" : "NotOpen");
    }
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
        if (res.state && res.state.now) { skew = Date.parse(res.state.now) - Date.now(); }
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
      case "hand.raised": case "hand.lowered": case "speakers.changed": setSpeakers(d); break;
      case "content.hidden": if (d.kind === "chat") { hideChat(d.ref_id); } break;
      case "floor.given":
        names[d.user_id] = d.name;
        state.floor = { user_id: d.user_id, name: d.name, since: d.since || ev.at, limit_s: d.limit_s, ends_at: d.ends_at };
        warned = null;
        setSpeakers(d); renderFloor(); break;
      case "floor.released": state.floor = null; setSpeakers(d); renderFloor(); break;
      case "agenda.changed": state.agenda_item = d; state.agenda_item_id = d.agenda_item_id; renderAgenda(); break;
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
    state.speakers = s.speakers || [];
    (s.queue || []).forEach(function (q) { names[q.user_id] = q.name; });
    if (s.floor) { names[s.floor.user_id] = s.floor.name; }
    renderPresence(); renderQueue(); renderFloor(); renderAgenda(); renderMe();
    var badge = document.getElementById("session-status");
    if (badge) { badge.textContent = label("Status", s.status); badge.className = "badge status-" + s.status; }
    document.querySelectorAll("form[data-action=session] button").forEach(function (b) {
      b.disabled = (b.value === "live") === (s.status === "live");
    });
    if (socket.connected && !refused) { setConn("live"); }
  }

  /* a list-changing event: the list of the item it names (the current one), in speaking order */
  function setSpeakers(d) {
    if (d.agenda_item_id !== undefined && state.agenda_item_id !== undefined &&
        d.agenda_item_id !== state.agenda_item_id) { return; }
    var ids = d.queue || [];
    state.speakers = d.speakers || ids.map(function (uid) { return { user_id: uid, kind: "speak" }; });
    state.speakers.forEach(function (x) { if (x.name) { names[x.user_id] = x.name; } });
    state.queue = ids.map(function (uid) { return { user_id: uid, name: nameOf(uid) }; });
    if (state.me) { state.me.hand_raised = ids.indexOf(me) >= 0; }
    renderQueue(); renderMe();
  }

  /* --- rendering ---------------------------------------------------------------------- */
  /* the attendance register: present / entitled, and the attendance quorum of the default rule */
  function renderAttendance(d) {
    var box = document.getElementById("attendance");
    if (!box) { return; }
    document.getElementById("attendance-present").textContent = d.present_count;
    document.getElementById("attendance-entitled").textContent = d.entitled_count;
    Object.keys(d.by_constituency || {}).forEach(function (g) {   // the roll call by constituency
      var row = document.querySelector('#roll-call tr[data-group="' + g + '"]');
      if (!row) { return; }
      row.querySelector(".present").textContent = d.by_constituency[g].present;
      row.querySelector(".entitled").textContent = d.by_constituency[g].entitled;
    });
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

  function button(text, cls, onClick) {
    var b = el("button", "btn small " + (cls || ""), text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function moveSpeaker(uid, by) {
    var ids = state.speakers.map(function (x) { return x.user_id; });
    var i = ids.indexOf(uid), j = i + by;
    if (i < 0 || j < 0 || j >= ids.length) { return; }
    ids.splice(i, 1);
    ids.splice(j, 0, uid);
    act("speakers:reorder", { user_ids: ids.slice(0, Math.max(i, j) + 1) }, chairError);
  }

  function renderQueue() {
    var ol = document.getElementById("queue");
    ol.textContent = "";
    var item = document.getElementById("queue-item");
    if (item) { item.textContent = state.agenda_item ? state.agenda_item.position + ". " + state.agenda_item.title : ""; }
    var list = state.speakers || [];
    if (!list.length) { ol.appendChild(el("li", "empty", t("QueueEmpty"))); return; }
    list.forEach(function (q, i) {
      var li = el("li", q.kind === "point_of_order" ? "poo" : "", nameOf(q.user_id));
      li.dataset.userId = q.user_id;
      if (q.kind === "point_of_order") {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "badge poo", t("Poo")));
      }
      if (state.me && state.me.can_moderate) {
        var tools = el("span", "tools");
        tools.appendChild(button(t("Give"), "", function () { act("floor:give", { user_id: q.user_id }, chairError); }));
        var up = button("↑", "ghost", function () { moveSpeaker(q.user_id, -1); });
        up.setAttribute("aria-label", t("Up") + ": " + nameOf(q.user_id));
        up.disabled = i === 0;
        var down = button("↓", "ghost", function () { moveSpeaker(q.user_id, 1); });
        down.setAttribute("aria-label", t("Down") + ": " + nameOf(q.user_id));
        down.disabled = i === list.length - 1;
        tools.appendChild(up);
        tools.appendChild(down);
        tools.appendChild(button(t("RemoveSpeaker"), "ghost", function () {
          act("hand:lower", { user_id: q.user_id }, chairError);
        }));
        li.appendChild(tools);
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
    var speaking = !!(state.floor && state.floor.user_id === me);
    var you = document.getElementById("you-speak");
    if (you) { you.hidden = !speaking; }
    if (handForm) {
      handForm.hidden = !m.can_raise_hand && !m.hand_raised;
      handButton.textContent = m.hand_raised ? t("Lower") : t("Raise");
      handButton.setAttribute("aria-pressed", m.hand_raised ? "true" : "false");
      var poo = document.getElementById("poo-button");
      if (poo) { poo.hidden = !!m.hand_raised; }
    }
    var note = document.getElementById("hand-note");
    if (note) {
      note.textContent = m.hand_refusal || "";
      note.hidden = !!m.can_raise_hand || !m.hand_refusal;
    }
    var place = document.getElementById("my-place");
    if (place) {
      var n = (state.speakers || []).map(function (x) { return x.user_id; }).indexOf(me);
      place.textContent = n >= 0 ? t("Position").replace("{n}", n + 1) : "";
    }
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function clockText(secs) {
    var h = Math.floor(secs / 3600), m = Math.floor(secs % 3600 / 60), r = secs % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(r);
  }
  var warned = null;   // the turn (since) already announced: "30 s left", then "time is up"
  function tick() {
    var out = document.getElementById("floor-time");
    var f = state.floor;
    if (!f || !f.since) {
      out.textContent = "–"; out.setAttribute("datetime", "PT0S");
      if (clock) { clock.hidden = true; clock.className = "clock"; }
      return;
    }
    var now = Date.now() + skew;   // the server's clock, as near as the join answer tells it
    var secs = Math.max(0, Math.floor((now - Date.parse(f.since)) / 1000));
    out.textContent = clockText(secs);
    out.setAttribute("datetime", "PT" + secs + "S");
    if (!clock) { return; }
    if (!f.ends_at) { clock.hidden = true; return; }
    var left = Math.ceil((Date.parse(f.ends_at) - now) / 1000);
    clock.hidden = false;
    var alert = document.getElementById("floor-alert");
    if (left >= 0) {
      clock.textContent = t("TimeLeft").replace("{time}", clockText(left));
      clock.className = "clock" + (left <= 30 ? " warn" : "");
      if (left <= 30 && warned !== f.since + "w" && alert) { warned = f.since + "w"; alert.textContent = t("Warn"); }
    } else {
      clock.textContent = t("Over").replace("{time}", clockText(-left));
      clock.className = "clock over";
      if (warned !== f.since + "o" && alert) { warned = f.since + "o"; alert.textContent = t("TimeUp"); }
    }
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

  // A message the secretariat hid: its text is gone from the room (kept for the record).
  function hideChat(id, li) {
    li = li || chatLog.querySelector('li[data-message-id="' + id + '"]');
    var msg = li && li.querySelector(".msg");
    if (!msg) { return; }
    msg.textContent = "";
    msg.appendChild(el("p", "meta hidden-note", chatLog.dataset.hidden || "hidden"));
    li.querySelectorAll(".chat-tool, form.moderate").forEach(function (x) { x.parentNode.removeChild(x); });
  }

  // Hide (secretariat, chair) or report (anyone else) a message: a small form under it that
  // posts to the moderation API; the rule is the server's, its refusal is shown as it says.
  function moderateForm(li, messageId, verb) {
    if (li.querySelector("form.moderate")) { return; }
    var form = el("form", "moderate inline-form");
    var id = verb + "-chat-" + messageId;
    var lab = el("label", "", t(verb === "hide" ? "HideReason" : "ReportReason"));
    lab.setAttribute("for", id);
    var input = el("input");
    input.id = id; input.name = "reason"; input.required = true; input.maxLength = 2000;
    var go = el("button", "btn small" + (verb === "hide" ? " danger" : ""), t(verb === "hide" ? "Hide" : "Report"));
    go.type = "submit";
    var note = el("p", "form-error");
    note.setAttribute("role", "status");
    form.appendChild(lab); form.appendChild(input); form.appendChild(go); form.appendChild(note);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var meta = document.querySelector("meta[name=csrf-token]");
      fetch("/api/v1/content/chat/" + messageId + "/" + verb, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": meta ? meta.content : "" },
        body: JSON.stringify({ reason: input.value })
      }).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!res.ok) { note.textContent = (res.body.error && res.body.error.message) || ""; return; }
          if (verb === "hide") { form.parentNode.removeChild(form); hideChat(messageId, li); }
          else { form.textContent = ""; form.appendChild(el("p", "meta", t("Reported"))); }
        }, function () { note.textContent = t("Offline"); });
    });
    li.appendChild(form);
    input.focus();
  }

  function moderationButton(li, ev) {
    var a = ev.actor || {};
    var verb = root.dataset.canModerate === "true" ? "hide" : (a.id !== me ? "report" : null);
    if (!verb || !ev.data.html) { return; }
    var b = button(t(verb === "hide" ? "Hide" : "Report"), "ghost", function () { moderateForm(li, ev.data.message_id, verb); });
    b.classList.add("chat-tool");
    li.appendChild(b);
  }

  function addChat(ev) {
    if (chatLog.querySelector('li[data-seq="' + ev.seq + '"]')) { return; }
    var a = ev.actor || {};
    var li = chatItem(a.name || "", a.constituency, ev.at, ev.data.html);
    li.dataset.seq = ev.seq;
    li.dataset.messageId = ev.data.message_id;
    if (!ev.data.html) { hideChat(ev.data.message_id, li); } else { moderationButton(li, ev); }
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
      if (err || !socket.connected) { errorBox.textContent = t("Offline"); return; }
      if (!res.ok) { errorBox.textContent = (res.error && res.error.message) || ""; }   // translated by the server
    });
  }

  if (handForm) {
    handForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var by = e.submitter || {};
      if (state.me && state.me.hand_raised) { act("hand:lower", {}, handError); return; }
      act("hand:raise", by.value === "point_of_order" ? { kind: "point_of_order" } : {}, handError);
    });
  }
  var releaseForm = document.getElementById("release-form");
  if (releaseForm) {
    releaseForm.addEventListener("submit", function (e) { e.preventDefault(); act("floor:release", {}, handError); });
  }

  var CHAIR_EVENTS = { session: "session:set", give: "floor:give", release: "floor:release", agenda: "agenda:set",
                       speaker: "speakers:add",
                       mute: "chat:mute", unmute: "chat:unmute", remove: "participant:remove" };
  document.querySelectorAll("form.chair-form").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var by = e.submitter || {};
      var action = (by.dataset && by.dataset.action) || form.dataset.action;
      var payload = {};
      var user = form.querySelector("select[name=user_id]");
      var item = form.querySelector("select[name=agenda_item_id]");
      var limit = form.querySelector("input[name=limit_s]");
      var kind = form.querySelector("select[name=kind]");
      if (user) { payload.user_id = Number(user.value); }
      if (item) { payload.agenda_item_id = Number(item.value); }
      if (limit && limit.value && action === "give") { payload.limit_s = Number(limit.value); }
      if (kind) { payload.kind = kind.value; }
      if (action === "session") { payload.status = by.value; }
      act(CHAIR_EVENTS[action], payload, chairError);
    });
  });
}());
