/* The hall screen: follows the live room read-only. It joins with `projector:join` (no presence,
   no check-in) and renders the state it answers; room events update it at once, and any event
   it cannot render alone (a list without names, a new sitting) or a gap in seq asks for the state
   again. The clock counts down from the server's `ends_at` when the turn has a limit (`limit_s`),
   and shows the time spoken otherwise. All text goes through textContent (CSP: no inline code). */
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root || typeof io === "undefined") { return; }
  var el = window.Baraza.el;
  var cid = Number(root.dataset.consultationId);
  var lastSeq = Number(root.dataset.seq) || 0;
  var ds = root.dataset;
  var groups = parse(ds.groups), outcomes = parse(ds.outcomes), choices = parse(ds.choices), statuses = parse(ds.statuses);
  var floor = null;       // {user_id, name, since, limit_s, ends_at}
  var skew = 0;           // server clock minus this screen's clock, in ms (from each state's `now`)
  var refused = false;
  var conn = document.getElementById("pj-conn");

  function parse(s) { try { return JSON.parse(s || "{}"); } catch (e) { return {}; } }
  function fill(tpl, values) {
    return tpl.replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }
  function $(id) { return document.getElementById(id); }
  function clear(node) { node.textContent = ""; return node; }
  function setConn(state, text) { conn.dataset.state = state; conn.textContent = text; }

  var socket = io({ transports: ["websocket", "polling"], tryAllTransports: true,
                    reconnectionDelay: 500, reconnectionDelayMax: 10000 });

  var joinTimer = null;
  function join() {
    socket.timeout(15000).emit("projector:join", { consultation_id: cid }, function (err, res) {
      if (err) { return; }
      if (!res || !res.ok) {
        var code = res && res.error ? res.error.code : "";
        if (code === "not_found" || code === "forbidden" || code === "unauthenticated") {
          refused = true; setConn("refused", ds.tRefused); socket.disconnect();
        }
        return;
      }
      render(res.state);
      setConn("live", ds.tLive);
    });
  }
  function joinSoon() {   // several events in a burst ask for one fresh state
    if (joinTimer) { return; }
    joinTimer = setTimeout(function () { joinTimer = null; if (socket.connected) { join(); } }, 200);
  }

  socket.on("connect", function () { setConn("connecting", ds.tConnecting); join(); });
  socket.on("disconnect", function () { if (!refused) { setConn("offline", ds.tOffline); } });
  socket.on("connect_error", function (err) {
    if (err && err.data && err.data.code === "unauthenticated") { refused = true; setConn("refused", ds.tRefused); socket.disconnect(); return; }
    setConn("offline", ds.tOffline);
  });
  socket.on("room:event", receive);

  function receive(ev) {
    if (!ev || ev.consultation_id !== cid || ev.seq <= lastSeq) { return; }
    if (ev.seq > lastSeq + 1) { lastSeq = ev.seq; joinSoon(); return; }   // missed one: ask again
    lastSeq = ev.seq;
    var d = ev.data || {};
    switch (ev.type) {
      case "agenda.changed": renderAgenda(d); joinSoon(); break;   // the item's own speakers' list follows
      case "floor.given":
        renderFloor({ user_id: d.user_id, name: d.name, constituency: d.constituency, since: ev.at,
                      limit_s: d.limit_s, ends_at: d.ends_at });
        joinSoon(); break;
      case "floor.released": renderFloor(null); joinSoon(); break;
      case "attendance.changed": renderAttendance(d); break;
      case "motion.progress": renderProgress(d); break;
      case "chat.message": case "presence.joined": case "presence.left": case "chat.muted": case "chat.unmuted":
      case "comment.created": case "amendment.created": case "amendment.decided": case "document.version":
      case "position.updated": break;   // not on the hall screen
      default: joinSoon(); break;        // votes opened or closed, hands, the speakers' list, the session

    }
  }

  /* --- rendering ---------------------------------------------------------------------- */
  function render(s) {
    if (!s) { return; }
    lastSeq = Math.max(lastSeq, s.seq);
    if (s.now) { skew = Date.parse(s.now) - Date.now(); }   // the server's clock, for ends_at and since
    var badge = $("pj-status");
    badge.textContent = statuses[s.status] || s.status;
    badge.className = "pj-badge status-" + s.status;
    renderAgenda(s.agenda_item);
    renderFloor(s.floor);
    renderQueue(s.next || []);
    renderVotes(s.votes.open || []);
    renderResult(s.votes.last_result);
    renderAttendance({ present_count: s.attendance.present, entitled_count: s.attendance.entitled,
                       by_constituency: s.attendance.by_constituency });
  }

  function empty(text) { return el("span", "pj-empty", text); }

  function renderAgenda(a) {
    var h = clear($("pj-agenda"));
    if (a) { h.textContent = a.position + ". "; h.appendChild(el("bdi", "", a.title)); } else { h.appendChild(empty(ds.tNone)); }
  }

  function renderFloor(f) {
    floor = f;
    var p = clear($("pj-speaker"));
    if (f) {
      p.appendChild(el("bdi", "", f.name || ""));
      if (f.constituency) {
        p.appendChild(document.createTextNode(" "));
        p.appendChild(el("span", "pj-group c-" + f.constituency, groups[f.constituency] || f.constituency));
      }
    } else {
      p.appendChild(empty(ds.tNobody));
    }
    tick();
  }

  function renderQueue(next) {
    var ol = clear($("pj-queue"));
    if (!next.length) { ol.appendChild(el("li", "pj-empty", ds.tQueueEmpty)); return; }
    next.forEach(function (q) {
      var li = el("li");
      li.appendChild(el("bdi", "", q.name));
      if (q.kind === "point_of_order") { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "pj-tag", ds.tPoo)); }
      ol.appendChild(li);
    });
  }

  function turnoutText(voted, eligible) {
    return fill(ds.tVoted, { voted: voted, eligible: eligible === null || eligible === undefined ? "–" : eligible });
  }

  function renderVotes(list) {
    var box = clear($("pj-votes"));
    if (!list.length) { box.appendChild(el("p", "pj-empty", ds.tNoVote)); return; }
    list.forEach(function (v) {
      var m = el("div", "pj-motion");
      m.dataset.motionId = v.motion_id;
      m.appendChild(el("p", { "class": "pj-question", dir: "auto" }, v.question));
      m.appendChild(el("p", "pj-turnout", turnoutText(v.voted, v.eligible)));
      var bar = el("progress", { "class": "pj-bar", "aria-hidden": "true" });
      bar.max = v.eligible || 1; bar.value = v.voted || 0;
      m.appendChild(bar);
      box.appendChild(m);
    });
  }

  function renderProgress(d) {
    var m = document.querySelector('#pj-votes .pj-motion[data-motion-id="' + d.motion_id + '"]');
    if (!m) { joinSoon(); return; }
    m.querySelector(".pj-turnout").textContent = turnoutText(d.voted, d.eligible);
    var bar = m.querySelector("progress");
    bar.max = d.eligible || 1; bar.value = d.voted || 0;
  }

  function renderResult(r) {
    var box = clear($("pj-result"));
    if (!r) { box.appendChild(el("p", "pj-empty", ds.tNoResult)); return; }
    box.appendChild(el("p", { "class": "pj-question", dir: "auto" }, r.question));
    box.appendChild(el("p", "pj-outcome outcome-" + r.outcome, outcomes[r.outcome] || r.outcome));
    var ul = el("ul", "pj-tallies");
    Object.keys(r.tallies || {}).forEach(function (k) {
      var li = el("li");
      li.appendChild(el("span", "", choices[k] || k));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("strong", "", r.tallies[k]));
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function renderAttendance(d) {
    $("pj-present").textContent = d.present_count;
    $("pj-entitled").textContent = d.entitled_count;
    var body = $("pj-groups");
    if (d.by_constituency) {
      clear(body);
      Object.keys(d.by_constituency).forEach(function (g) {
        var n = d.by_constituency[g], tr = el("tr");
        tr.dataset.group = g;
        tr.appendChild(el("th", { scope: "row" }, groups[g] || g));
        tr.appendChild(el("td", "", n.present));
        tr.appendChild(el("td", "", n.entitled));
        body.appendChild(tr);
      });
    }
    var q = $("pj-quorum"), f = q.dataset.fraction;
    if (!f) { return; }
    var parts = f.split("/");
    var need = Math.ceil(Number(parts[0]) * d.entitled_count / Number(parts[1]));
    var met = d.present_count >= need;
    q.dataset.met = met ? "true" : "false";
    clear(q);
    q.appendChild(el("strong", "", met ? ds.tMet : ds.tNotMet));
    q.appendChild(document.createTextNode(" "));
    q.appendChild(el("span", "", fill(ds.tNeed, { n: need })));
  }

  /* --- the clock: a countdown from ends_at, else the time spoken since `since` ---------- */
  function mmss(secs) {
    var m = Math.floor(secs / 60), s = secs % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    var out = $("pj-clock"), label = $("pj-clock-label"), line = out.parentNode;
    var now = Date.now() + skew;
    line.classList.remove("warn", "over");
    if (!floor) { out.textContent = "–"; out.setAttribute("datetime", "PT0S"); label.textContent = ds.tSpeaking; return; }
    if (floor.ends_at) {
      var left = Math.round((Date.parse(floor.ends_at) - now) / 1000);
      label.textContent = left >= 0 ? ds.tLeft : ds.tOver;
      out.textContent = (left < 0 ? "+" : "") + mmss(Math.abs(left));
      out.setAttribute("datetime", "PT" + Math.abs(left) + "S");
      if (left < 0) { line.classList.add("over"); } else if (left <= 30) { line.classList.add("warn"); }
      return;
    }
    var secs = Math.max(0, Math.floor((now - Date.parse(floor.since)) / 1000));
    label.textContent = ds.tSpeaking;
    out.textContent = mmss(secs);
    out.setAttribute("datetime", "PT" + secs + "S");
  }
  setInterval(tick, 1000);
  var clock = $("pj-clock");
  if (clock.dataset.since) {
    floor = { since: clock.dataset.since, ends_at: clock.dataset.endsAt || null, limit_s: Number(clock.dataset.limitS) || null };
  }
  tick();
  setConn("connecting", ds.tConnecting);
}());
