// A citizen's ticket on the phone: refreshes itself from the center's event
// stream, and when the ticket is called it vibrates, beeps and shows a
// notification (if the citizen allowed them), once.
(function () {
  "use strict";
  var me = document.currentScript.dataset;
  var alerted = false, es = null, lastSeen = Date.now(), timer = null;
  function state() { var l = document.getElementById("live"); return l && l.dataset.state; }
  function turn() {
    if (alerted || state() !== "called") return;
    alerted = true;
    if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
    try {
      var a = new (window.AudioContext || window.webkitAudioContext)(), o = a.createOscillator();
      o.frequency.value = 880; o.connect(a.destination); o.start(); o.stop(a.currentTime + 0.8);
    } catch (e) { /* no sound available */ }
    var turnEl = document.querySelector("[data-turn]");
    if (window.Notification && Notification.permission === "granted" && turnEl) new Notification(turnEl.textContent.trim());
  }
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (document.activeElement && document.activeElement.closest("#live form")) return;
      htmx.ajax("GET", me.url, { target: "#live", swap: "outerHTML" }).then(turn);
    }, 300);
  }
  function connect() {
    if (es) es.close();
    es = new EventSource("/api/v1/queue/centers/" + encodeURIComponent(me.center) + "/events");
    var seen = function () { lastSeen = Date.now(); };
    es.addEventListener("ready", function () { seen(); refresh(); });
    es.addEventListener("ping", seen);
    ["resync", "ticket_issued", "ticket_called", "ticket_recalled", "service_started", "service_finished", "ticket_no_show",
     "ticket_parked", "ticket_unparked", "ticket_transferred"].forEach(function (n) { es.addEventListener(n, function () { seen(); refresh(); }); });
  }
  setInterval(function () { if (Date.now() - lastSeen > 40000) { lastSeen = Date.now(); connect(); } }, 5000);
  if (window.Notification && Notification.permission === "default" && state() === "waiting") {
    document.addEventListener("click", function ask() { Notification.requestPermission(); document.removeEventListener("click", ask); });
  }
  turn();
  connect();
})();
