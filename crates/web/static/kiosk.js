// Kiosk behaviour: back to the start screen after 30 s without a touch, a
// clock, printing the ticket as it appears, no context menu, and the CCCD
// scanner's Enter key previewing the scan instead of submitting the form.
(function () {
  "use strict";
  var script = document.currentScript;
  var home = script && script.dataset.home;
  var IDLE_MS = 30000;
  var timer = null;
  function reset() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (location.pathname !== home || location.search || document.querySelector("input:checked:not([value=''])") ||
          (document.querySelector("[data-scan]") || {}).value) {
        location.replace(home);
      } else {
        reset();
      }
    }, IDLE_MS);
  }
  ["pointerdown", "keydown", "touchstart"].forEach(function (e) { document.addEventListener(e, reset, { passive: true }); });
  reset();
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });

  var clock = document.querySelector("[data-clock]");
  function tick() {
    if (!clock) return;
    var d = new Date();
    clock.textContent = d.toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", weekday: "long", day: "2-digit",
      month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" });
  }
  tick(); setInterval(tick, 15000);

  var scan = document.querySelector("[data-scan]");
  if (scan) {
    scan.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); htmx.trigger(scan, "scanned"); }
    });
    scan.addEventListener("change", function () { htmx.trigger(scan, "scanned"); });
  }

  var slip = document.querySelector("[data-autoprint]");
  if (slip) {
    window.addEventListener("load", function () { setTimeout(function () { window.print(); }, 300); });
    history.replaceState(null, "", location.pathname);
  }
  document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
})();
