/* Documents: live comment updates on the reader page (progressive enhancement; the page works without). */
(function () {
  "use strict";

  // Every comment form gets a fresh client_id, so a double submit or a retry posts once.
  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }
  document.querySelectorAll('form input[name="client_id"]').forEach(function (input) {
    input.value = newId();
  });

  // A document's table wider than the screen scrolls sideways (documents.css): keyboard users
  // reach it too (focusable; it keeps its table role for screen readers).
  document.querySelectorAll(".md table").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth + 1) table.tabIndex = 0;
  });

  var body = document.getElementById("doc-body");
  if (!body || typeof window.io !== "function") return;
  var documentId = Number(body.dataset.documentId);
  var consultationId = Number(body.dataset.consultationId);
  var panel = document.getElementById("comments");
  var threads = document.getElementById("threads");
  var note = document.getElementById("doc-live");
  var lastSeq = 0;

  function t(key, fallback) { return (note && note.dataset[key]) || fallback; }

  // One line saying what changed, with a link to read it (the page itself is not rewritten).
  function say(text) {
    if (!note) return;
    note.textContent = text + " ";
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = t("reload", "Reload the page");
    note.appendChild(link);
    note.hidden = false;
  }

  // A new version: a button that shows it in place (its paragraphs fetched from the API, HTML
  // sanitised by the server), or a link to it without JavaScript's help.
  function offerVersion(text, number) {
    if (!note) return;
    note.textContent = text + " ";
    if (body.dataset.current !== "1") { say(text); return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn small";
    button.textContent = t("show", "Show version {n}").replace("{n}", number);
    button.addEventListener("click", function () { showVersion(number, button); });
    note.appendChild(button);
    note.hidden = false;
  }

  function showVersion(number, button) {
    button.disabled = true;
    fetch("/api/v1/documents/" + documentId + "/versions/" + number,
          { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (v) {
        var previous = null, seen = {};
        v.paragraphs.forEach(function (p) {
          seen[p.anchor] = true;
          var el = document.getElementById("para-" + p.anchor);
          if (!el) {
            el = document.createElement("div");
            el.className = "para";
            el.id = "para-" + p.anchor;
            var text = document.createElement("div");
            text.className = "para-text md";
            el.appendChild(text);
            body.insertBefore(el, previous ? previous.nextSibling : body.firstChild);
          }
          el.querySelector(".para-text").innerHTML = p.html;  // sanitised by the server
          previous = el;
        });
        body.querySelectorAll(".para").forEach(function (el) {
          if (!seen[el.id.slice(5)]) el.parentNode.removeChild(el);
        });
        // the version's note says whose amendment made it (the proposer is credited there)
        note.textContent = t("shown", "Version {n} is shown.").replace("{n}", number) + (v.note ? " " + v.note : "");
        versionBar(number, v);
      })
      .catch(function () {
        var link = document.createElement("a");
        link.href = window.location.pathname + "?version=" + number;
        link.textContent = t("reload", "Reload the page");
        note.appendChild(document.createTextNode(" "));
        note.appendChild(link);
      });
  }

  // The version bar names the version now shown (its author and note), and offers it.
  function versionBar(number, v) {
    var meta = document.getElementById("version-meta");
    if (meta) {
      meta.textContent = t("label", "Version {n}").replace("{n}", number) +
        (v.author && v.author.name ? " · " + v.author.name : "") + (v.note ? " · " + v.note : "");
    }
    var select = document.getElementById("version-select");
    if (select && !select.querySelector('option[value="' + number + '"]')) {
      var option = document.createElement("option");
      option.value = number;
      option.textContent = number + (v.note ? " · " + v.note.slice(0, 60) : "");
      select.appendChild(option);
    }
    if (select) { select.value = String(number); }
  }

  function bumpCount(anchor) {
    if (!anchor) return;
    document.querySelectorAll('[data-count-for="' + CSS.escape(anchor) + '"] .margin-count').forEach(function (el) {
      el.textContent = String((parseInt(el.textContent, 10) || 0) + 1);
      el.classList.add("has");
    });
  }

  function commentElement(ev) {
    var d = ev.data, actor = ev.actor || {};
    var art = document.createElement("article");
    art.className = "comment live";
    art.id = "comment-" + d.comment_id;
    art.dataset.commentId = d.comment_id;
    art.dataset.constituency = actor.constituency || "";
    var head = document.createElement("header");
    head.className = "comment-head";
    var who = document.createElement("span");
    who.className = "person";
    who.textContent = actor.name || "";
    head.appendChild(who);
    if (actor.constituency) {
      var badge = document.createElement("span");
      badge.className = "badge c-" + actor.constituency;
      badge.textContent = (panel && panel.dataset["label" + actor.constituency.charAt(0).toUpperCase() +
                                                 actor.constituency.slice(1)]) || actor.constituency;
      head.appendChild(badge);
    }
    var time = document.createElement("time");
    time.className = "meta";
    time.dateTime = ev.at;
    time.textContent = new Date(ev.at).toLocaleString(document.documentElement.lang || undefined,
                                                     { dateStyle: "short", timeStyle: "short" });
    head.appendChild(time);
    var text = document.createElement("div");
    text.className = "comment-text md";
    art.appendChild(head);
    art.appendChild(text);
    if (d.html !== null && d.html !== undefined) {
      text.innerHTML = d.html; // sanitised by the server (python-markdown + nh3 allow-list)
    } else {  // a long comment: the room got its opening words; the page has the whole of it
      text.textContent = d.body + "…";
      var more = document.createElement("a");
      // a new query string, so following the link loads the page (with the comment) anew
      more.href = window.location.pathname + "?comment=" + d.comment_id + "#comment-" + d.comment_id;
      more.textContent = t("more", "Read the whole comment");
      art.appendChild(more);
    }
    return art;
  }

  function matchesFilter(ev) {
    if (!panel) return false;
    var anchor = panel.dataset.anchor, constituency = panel.dataset.constituency;
    if (constituency && (!ev.actor || ev.actor.constituency !== constituency)) return false;
    if (!anchor) return true;
    if (anchor === "_document") return !ev.data.anchor;
    return anchor === ev.data.anchor;
  }

  function onComment(ev) {
    var d = ev.data;
    if (document.getElementById("comment-" + d.comment_id)) return;
    bumpCount(d.anchor);
    if (!threads) return;
    if (d.parent_id) {
      var parent = document.getElementById("comment-" + d.parent_id);
      var thread = parent && parent.closest(".thread");
      if (thread) thread.querySelector(".replies").appendChild(commentElement(ev));
      return;
    }
    if (!matchesFilter(ev)) return;
    var empty = document.getElementById("no-comments");
    if (empty) empty.remove();
    var wrap = document.createElement("div");
    wrap.className = "thread";
    wrap.dataset.threadId = d.comment_id;
    wrap.appendChild(commentElement(ev));
    var replies = document.createElement("div");
    replies.className = "replies";
    wrap.appendChild(replies);
    threads.insertBefore(wrap, threads.firstChild);
  }

  function handle(ev) {
    if (!ev || ev.consultation_id !== consultationId || !ev.data || ev.data.document_id !== documentId) return;
    if (ev.seq && ev.seq <= lastSeq) return;
    if (ev.seq) lastSeq = ev.seq;
    if (ev.type === "comment.created") onComment(ev);
    else if (ev.type === "document.version")
      offerVersion(t("version", "Version {n} was published.").replace("{n}", ev.data.number), ev.data.number);
    else if (ev.type === "amendment.created")
      say(t("amendment", "A new amendment was proposed by {o}.").replace("{o}", ev.data.organisation.name));
    else if (ev.type === "amendment.decided") {
      var gone = document.getElementById("amendment-" + ev.data.amendment_id);
      if (gone) gone.parentNode.removeChild(gone);  // decided: no longer a suggestion
      if (ev.data.decision === "accepted" && ev.data.version_number)
        offerVersion(t("accepted", "An amendment was accepted: version {n} was published.")
          .replace("{n}", ev.data.version_number), ev.data.version_number);
      else say(t("rejected", "An amendment was rejected."));
    }
  }

  var socket = window.io({ transports: ["websocket", "polling"] });
  socket.on("connect", function () {
    var payload = { consultation_id: consultationId };
    if (lastSeq) payload.since = lastSeq;
    socket.emit("room:join", payload, function (ack) {
      if (!ack || !ack.ok) return;
      body.dataset.live = "true";   // live updates are on (also what the browser tests wait for)
      if (!lastSeq && ack.seq) lastSeq = ack.seq;
      (ack.events || []).forEach(handle);
    });
  });
  socket.on("room:event", handle);
  socket.on("disconnect", function () { body.dataset.live = "false"; });
})();
