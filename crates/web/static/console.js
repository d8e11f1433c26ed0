// Counter console: live refresh of the panel from the center's event stream,
// and Qmatic-style keyboard shortcuts (N call next, R recall, S start,
// F finish, V no-show, P park, T transfer) outside text fields.
(function () {
  "use strict";
  var me = document.currentScript.dataset;
  var status = document.querySelector("[data-live-status]");
  var timer = null, es = null, lastSeen = Date.now();
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      // Do not replace the panel under an officer who is choosing a transfer target.
      if (document.activeElement && document.activeElement.closest("#panel select")) return refresh();
      htmx.ajax("GET", "/queue/counters/" + me.counter + "/panel", { target: "#panel", swap: "outerHTML" });
    }, 250);
  }
  function connect() {
    if (es) es.close();
    es = new EventSource("/api/v1/queue/centers/" + encodeURIComponent(me.center) + "/events");
    var seen = function () { lastSeen = Date.now(); if (status) status.hidden = false; };
    es.addEventListener("ready", function () { seen(); refresh(); });
    es.addEventListener("ping", seen);
    ["resync", "ticket_issued", "ticket_called", "ticket_recalled", "service_started", "service_finished", "ticket_no_show",
     "ticket_parked", "ticket_unparked", "ticket_transferred"].forEach(function (n) { es.addEventListener(n, function () { seen(); refresh(); }); });
    es.onerror = function () { if (status) status.hidden = true; };
  }
  setInterval(function () { if (Date.now() - lastSeen > 40000) { lastSeen = Date.now(); connect(); } }, 5000);
  connect();
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var el = document.querySelector("#panel [data-key='" + e.key.toLowerCase() + "']");
    if (!el) return;
    e.preventDefault();
    if (el.tagName === "SELECT") el.focus(); else el.click();
  });
})();
