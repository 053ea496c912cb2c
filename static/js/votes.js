/* Votes: live turnout and results over Socket.IO, and casting with `vote:cast`.
 *
 * - On a motion page (#motion[data-motion-id]) it updates the turnout table on motion.progress,
 *   shows the result on motion.closed, and sends the vote buttons over the socket (the forms
 *   still work without JavaScript or without a connection).
 * - In a live room page, a <section id="votes"> (with data-consultation-id, or inside an element
 *   that has one) is filled with the open motions and their vote buttons.
 * The page's own socket is reused when another script exposes it as window.barazaSocket, or
 * through BarazaVotes.attach(socket, consultationId); otherwise votes.js connects and sends
 * room:join itself. No inline code (CSP); all text goes through textContent.
 */
(function () {
  "use strict";

  var state = { socket: null, consultationId: null, joined: false };

  var el = window.Baraza.el;

  function msg(root, key, fallback) {
    return (root && root.dataset && root.dataset[key]) || fallback;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function cast(motionId, choice, done) {
    if (!state.socket || !state.socket.connected) { done(null); return false; }
    var answered = false;
    var timer = setTimeout(function () { if (!answered) { answered = true; done(null); } }, 8000);
    state.socket.emit("vote:cast", { motion_id: motionId, choice: choice }, function (ack) {
      if (answered) { return; }
      answered = true;
      clearTimeout(timer);
      done(ack);
    });
    return true;
  }

  /* ---- results ---------------------------------------------------------------------- */

  var clabels = {};   /* constituency -> translated label, from data-clabels on #motion or #votes */
  function clabel(g) { return clabels[g] || g; }

  var OUTCOME = { carried: "Carried", not_carried: "Not carried", void_no_quorum: "Void (no quorum)",
                  no_consensus: "No consensus" };

  /* motion.closed carries the decision as a code; its words in the reader's language (reason,
     arithmetic) come from the motion itself, read once the result is announced. */
  function resultOf(motionId, r) {
    var box = renderResult(r);
    getJSON("/api/v1/motions/" + motionId).then(function (m) {
      if (m.result) { box.replaceWith(renderResult(m.result)); }
    }).catch(function () { /* the codes stay shown */ });
    return box;
  }

  function labelRoot() { return document.getElementById("motion") || document.getElementById("votes"); }

  /* The result's words in the reader's language (data-words, templates/votes/_result_words.html:
     the same msgids as the server's votes/_result.html); the English is only a fallback. */
  function words() {
    try { return JSON.parse(msg(labelRoot(), "words", "{}")); } catch (e) { return {}; }
  }
  function word(key, fallback) { return words()[key] || fallback; }
  function optionLabel(o) { return (words().options || {})[o] || o; }

  function renderResult(r) {
    var box = el("div", { "class": "vote-result", "data-outcome": r.outcome });
    var p = el("p", { "class": "vote-outcome outcome-" + r.outcome });
    var outcomes = {};
    try { outcomes = JSON.parse(msg(labelRoot(), "outcomes", "{}")); } catch (e) { outcomes = {}; }
    p.appendChild(el("strong", {}, outcomes[r.outcome] || OUTCOME[r.outcome] || r.outcome));
    p.appendChild(document.createTextNode(" — "));
    p.appendChild(el("span", { "class": "vote-reason" }, r.reason || ""));
    box.appendChild(p);
    if (r.arithmetic_words && r.arithmetic_words.length) {
      var arith = el("ul", { "class": "vote-arithmetic" });
      r.arithmetic_words.forEach(function (line) { arith.appendChild(el("li", {}, line)); });
      box.appendChild(arith);
    }
    if (r.next_motion_id) {
      var next = box.appendChild(el("p"));
      next.appendChild(el("a", { "class": "btn small", href: "/motions/" + r.next_motion_id },
        msg(labelRoot(), "msgNext", "The vote that follows")));
    }
    var quorum = "";
    if (r.quorum_required !== undefined && r.quorum_required !== null) {
      quorum = " · " + word("quorum", "quorum") + " " + r.quorum_required + ": " +
        (r.quorum_met ? word("met", "met") : word("not_met", "not met"));
    }
    box.appendChild(el("p", { "class": "meta" }, word("turnout", "Turnout") + ": " + r.voted + " / " + r.eligible +
      " · " + word("votes_cast", "votes cast") + ": " + r.votes_cast + quorum));
    var groups = r.by_constituency ? Object.keys(r.by_constituency) : [];
    var table = el("table", { "class": "table vote-table" });
    var head = el("tr");
    [word("option", "Option"), word("total", "Total")].concat(groups.map(clabel)).forEach(function (h) {
      head.appendChild(el("th", { scope: "col" }, h));
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    (r.options || Object.keys(r.tallies || {})).forEach(function (option) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row", dir: "auto" }, optionLabel(option)));
      tr.appendChild(el("td", {}, (r.tallies || {})[option] || 0));
      groups.forEach(function (g) { tr.appendChild(el("td", {}, r.by_constituency[g][option] || 0)); });
      body.appendChild(tr);
    });
    // a labelled scrollable region: the table may be wider than a phone (360 px)
    var wrap = el("div", { "class": "table-scroll", role: "region", tabindex: "0",
                           "aria-label": msg(labelRoot(), "msgTallies", "Tallies per option") });
    wrap.appendChild(table);
    box.appendChild(wrap);
    if (r.votes && r.votes.length) {
      var recordWord = word("record_vote", "Record vote");
      box.appendChild(el("h3", {}, recordWord));
      var record = el("table", { "class": "table vote-table" });
      var rhead = el("tr");
      [word("delegate", "Delegate"), word("organisation", "Organisation"), word("constituency", "Constituency"),
       word("vote", "Vote")].forEach(function (h) { rhead.appendChild(el("th", { scope: "col" }, h)); });
      record.appendChild(el("thead")).appendChild(rhead);
      var rbody = record.appendChild(el("tbody"));
      r.votes.forEach(function (v) {
        var tr = el("tr");
        var who = tr.appendChild(el("td", { dir: "auto" }, v.name));
        if (v.cast_by) { who.appendChild(el("span", { "class": "meta" }, " (" + word("by_deputy", "by deputy") + " " + v.cast_by.name + ")")); }
        tr.appendChild(el("td", { dir: "auto" }, v.organisation));
        tr.appendChild(el("td", {}, clabel(v.constituency)));
        tr.appendChild(el("td", {}, optionLabel(v.choice)));
        rbody.appendChild(tr);
      });
      var rwrap = el("div", { "class": "table-scroll", role: "region", tabindex: "0", "aria-label": recordWord });
      rwrap.appendChild(record);
      box.appendChild(rwrap);
    }
    return box;
  }

  /* ---- motion page -------------------------------------------------------------------- */

  var submitting = false;
  document.addEventListener("submit", function () { submitting = true; });

  function motionPage(root) {
    var motionId = parseInt(root.dataset.motionId, 10);
    state.consultationId = parseInt(root.dataset.consultationId, 10);
    var status = root.querySelector(".vote-recorded[aria-live]");
    var form = root.querySelector("form.vote-form");
    if (form) {
      form.addEventListener("submit", function (ev) {
        var button = ev.submitter;
        if (!button || !button.value) { return; }
        var sent = cast(motionId, button.value, function (ack) {
          if (!ack) {  /* no answer: fall back to the plain form */
            form.appendChild(el("input", { type: "hidden", name: "choice", value: button.value }));
            form.submit();
            return;
          }
          if (ack.ok) {
            form.querySelectorAll(".vote-choice").forEach(function (b) {
              b.setAttribute("aria-pressed", b === button ? "true" : "false");
              b.classList.toggle("chosen", b === button);
            });
            if (status) {
              status.classList.remove("error");
              status.textContent = msg(root, "msgRecorded", "Your vote is recorded") +
                (ack.choice ? ": " + optionLabel(ack.choice) : "") + ".";
            }
            if (!ack.choice) { form.querySelectorAll("button").forEach(function (b) { b.disabled = true; }); }
          } else if (status) {
            status.classList.add("error");
            status.textContent = ack.error && ack.error.message ? ack.error.message : "Your vote was not recorded.";
          }
        });
        if (sent) { ev.preventDefault(); }
      });
    }
    return function onEvent(ev) {
      var data = ev.data || {};
      if (data.motion_id !== motionId) { return; }
      if (ev.type === "motion.progress") {
        Object.keys(data.turnout || {}).forEach(function (g) {
          var cell = root.querySelector('[data-turnout="' + g + '"]');
          if (cell) { cell.textContent = data.turnout[g]; }
        });
        var total = root.querySelector("[data-turnout-total]");
        if (total) { total.textContent = data.voted; }
      } else if (ev.type === "motion.closed") {
        var card = document.getElementById("motion-result-card");
        var slot = document.getElementById("motion-result");
        if (slot) { slot.textContent = ""; slot.appendChild(resultOf(motionId, data.result)); }
        if (card) { card.hidden = false; }
        if (form) { form.querySelectorAll("button").forEach(function (b) { b.disabled = true; }); }
        var badge = document.getElementById("motion-status");
        if (badge) { badge.textContent = word("closed", "Closed"); badge.className = "badge motion-closed"; }
      } else if (ev.type === "motion.opened") {
        // Reload a page still showing the draft, unless this page is itself posting a form
        // (the secretariat's own "Open"): that navigation brings the new state and its message.
        var shown = document.getElementById("motion-status");
        if (!submitting && (!shown || shown.dataset.status === "draft")) { window.location.reload(); }
      }
    };
  }

  /* ---- live room section ---------------------------------------------------------------- */

  function roomSection(section) {
    var holder = section.dataset.consultationId ? section : section.closest("[data-consultation-id]");
    if (!holder) { return null; }
    state.consultationId = parseInt(holder.dataset.consultationId, 10);
    section.classList.add("votes-live");
    section.querySelectorAll(":scope > .empty").forEach(function (p) { p.remove(); });  /* the list says it */
    var list = section.querySelector(".votes-live-list") || section.appendChild(el("div", { "class": "votes-live-list", "aria-live": "polite" }));
    var recorded = msg(section, "msgRecorded", "Your vote is recorded");

    function turnoutText(m) {
      return msg(section, "msgVoted", "Voted") + ": " + (m.voted || 0) + " / " + (m.eligible || 0);
    }

    var manages = section.dataset.canManage === "true";

    /* The secretariat opens and closes a vote from the room: plain forms to the motion's page
       routes, which come back to the room (the same forms work on the motion page without JS). */
    function manageForm(m, action, label, cls) {
      var token = document.querySelector("meta[name=csrf-token]");
      var form = el("form", { method: "post", action: "/motions/" + m.id + "/" + action, "class": "inline manage-vote" });
      form.appendChild(el("input", { type: "hidden", name: "csrf_token", value: token ? token.content : "" }));
      form.appendChild(el("input", { type: "hidden", name: "back", value: window.location.pathname }));
      var b = form.appendChild(el("button", { type: "submit", "class": "btn small " + cls }, label));
      b.setAttribute("aria-label", label + ": " + m.question);
      return form;
    }

    function renderMotion(m) {
      var item = el("div", { "class": "motion-live" + (m.status === "draft" ? " draft" : ""), "data-motion-id": m.id });
      var title = item.appendChild(el("p", { "class": "row-title" }));
      title.appendChild(el("a", { href: "/motions/" + m.id }, m.question));
      if (m.status === "draft") {
        item.appendChild(manageForm(m, "open", msg(section, "msgOpen", "Open the vote"), "primary"));
        return item;
      }
      item.appendChild(el("p", { "class": "meta", "data-role": "turnout" }, turnoutText(m)));
      var note = el("p", { "class": "vote-recorded", role: "status" });
      var mine = m.my_ballot || {};
      if (mine.eligible && (!mine.voted || mine.can_change)) {
        var group = el("div", { "class": "actions", role: "group", "aria-label": m.question });
        m.options.forEach(function (o) {
          var b = el("button", { type: "button", "class": "btn vote-choice", "data-choice": o, "aria-pressed": mine.choice === o ? "true" : "false" }, optionLabel(o));
          b.addEventListener("click", function () {
            var ok = cast(m.id, o, function (ack) {
              if (ack && ack.ok) {
                group.querySelectorAll("button").forEach(function (x) { x.setAttribute("aria-pressed", x === b ? "true" : "false"); });
                note.classList.remove("error");
                note.textContent = recorded + (ack.choice ? ": " + optionLabel(ack.choice) : "") + ".";
                if (!ack.choice) { group.querySelectorAll("button").forEach(function (x) { x.disabled = true; }); }
              } else {
                note.classList.add("error");
                note.textContent = ack && ack.error ? ack.error.message : msg(section, "msgOffline", "Not connected; open the motion page to vote.");
              }
            });
            if (!ok) { window.location.href = "/motions/" + m.id; }
          });
          group.appendChild(b);
        });
        item.appendChild(group);
      }
      if (mine.voted) { note.textContent = recorded + (mine.choice ? ": " + mine.choice : "") + "."; }
      item.appendChild(note);
      if (manages) { item.appendChild(manageForm(m, "close", msg(section, "msgClose", "Close the vote and publish the result"), "danger")); }
      return item;
    }

    function refresh() {
      getJSON("/api/v1/consultations/" + state.consultationId + "/motions").then(function (page) {
        var open = page.items.filter(function (m) { return m.status === "open" || (manages && m.status === "draft"); });
        return Promise.all(open.map(function (m) { return getJSON("/api/v1/motions/" + m.id); }));
      }).then(function (motions) {
        /* A motion already shown in the same state keeps its node: rebuilding it would detach a
           form the secretariat may be submitting ("Close the vote"), and a detached form does
           not submit (the load's refresh and the join's replayed motion.opened both land here). */
        var shown = {};
        list.querySelectorAll(".motion-live").forEach(function (n) { shown[n.dataset.motionId + "|" + n.classList.contains("draft")] = n; });
        list.textContent = "";
        if (!motions.length) { list.appendChild(el("p", { "class": "empty" }, msg(section, "msgNone", "No open vote."))); }
        motions.forEach(function (m) { list.appendChild(shown[m.id + "|" + (m.status === "draft")] || renderMotion(m)); });
      }).catch(function () { /* the section stays as it was; the motion pages still work */ });
    }
    refresh();

    return function onEvent(ev) {
      var data = ev.data || {};
      if (ev.type === "motion.opened") { refresh(); return; }
      var item = list.querySelector('.motion-live[data-motion-id="' + data.motion_id + '"]');
      if (!item) { return; }
      if (ev.type === "motion.progress") {
        item.querySelector('[data-role="turnout"]').textContent = turnoutText(data);
      } else if (ev.type === "motion.closed") {
        item.querySelectorAll("button").forEach(function (b) { b.remove(); });
        item.querySelectorAll("form.manage-vote").forEach(function (f) { f.remove(); });
        item.appendChild(resultOf(data.motion_id, data.result));
      }
    };
  }

  /* ---- wiring --------------------------------------------------------------------------- */

  var handlers = [];

  function onRoomEvent(ev) {
    if (!ev || typeof ev.type !== "string" || ev.type.indexOf("motion.") !== 0) { return; }
    handlers.forEach(function (h) { h(ev); });
  }

  function attach(socket, consultationId, joinRoom) {
    state.socket = socket;
    if (consultationId) { state.consultationId = consultationId; }
    socket.on("room:event", onRoomEvent);
    if (joinRoom) {
      var join = function () {
        if (!state.consultationId) { return; }
        socket.emit("room:join", { consultation_id: state.consultationId }, function (ack) {
          var live = ack && ack.ok ? "true" : "false";   /* live updates on (what browser tests wait for) */
          document.querySelectorAll("#motion, #votes").forEach(function (n) { n.dataset.live = live; });
        });
      };
      socket.on("connect", join);
      if (socket.connected) { join(); }
    }
  }

  function start() {
    var holder = document.querySelector("[data-clabels]");
    if (holder) { try { clabels = JSON.parse(holder.dataset.clabels); } catch (e) { clabels = {}; } }
    var motion = document.getElementById("motion");
    if (motion && motion.dataset.motionId) { handlers.push(motionPage(motion)); }
    var section = document.getElementById("votes");
    if (section) {
      var h = roomSection(section);
      if (h) { handlers.push(h); }
    }
    if (!handlers.length) { return; }
    if (window.barazaSocket) {
      attach(window.barazaSocket, state.consultationId, false);
    } else if (typeof window.io === "function") {
      attach(window.io({ transports: ["websocket", "polling"] }), state.consultationId, true);
    }
  }

  window.BarazaVotes = { attach: function (socket, consultationId) { attach(socket, consultationId, false); } };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
