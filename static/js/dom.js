/* Shared by the page scripts: build an element with textContent only (never innerHTML).
   Baraza.el("li", "cls", "text") or Baraza.el("button", {type: "button"}, "text"). */
(function () {
  "use strict";
  window.Baraza = window.Baraza || {};
  window.Baraza.el = function (tag, attrs, text) {
    var node = document.createElement(tag);
    if (typeof attrs === "string") {
      node.className = attrs;
    } else if (attrs) {
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  };
}());
