// The payment pages' small behaviours, no framework:
// - the public pay page polls /pay/{code}/status and turns the status green
//   ("Đã thanh toán") with the receipt link by itself, without a reload;
// - a batch's page polls its progress and moves the <progress> bar, then
//   reloads once when the batch is done (to show refused rows and exports);
// - copy buttons copy the transfer content; print buttons print.
(function () {
  "use strict";
  function getJson(url, ok) {
    var x = new XMLHttpRequest();
    x.open("GET", url);
    x.setRequestHeader("Accept", "application/json");
    x.onload = function () { if (x.status === 200) { try { ok(JSON.parse(x.responseText)); } catch (e) { /* ignore */ } } };
    x.send();
  }

  var pay = document.getElementById("pay-status");
  if (pay && pay.dataset.paid !== "true") {
    var timer = setInterval(function () {
      getJson(pay.dataset.url, function (s) {
        if (s.status === pay.dataset.state) return;
        pay.dataset.state = s.status;
        pay.className = "pay-status " + s.status;
        pay.querySelector(".pay-label").textContent = s.label;
        var icon = pay.querySelector(".pay-icon");
        if (s.paid) {
          icon.textContent = "✓";
          var at = pay.querySelector(".pay-at");
          if (!at && s.paid_at) { at = document.createElement("span"); at.className = "pay-at"; pay.querySelector(".pay-state").appendChild(at); }
          if (at && s.paid_at) at.textContent = " · " + s.paid_at;
          var wait = pay.querySelector(".pay-wait");
          if (wait) wait.hidden = true;
          if (s.receipt_url) {
            var link = document.getElementById("pay-receipt");
            link.href = s.receipt_url;
            link.parentNode.hidden = false;
          }
          var page = pay.closest(".pay-page");
          if (page) page.classList.add("is-paid");
          pay.dataset.paid = "true";
          clearInterval(timer);
        } else if (s.status !== "open") {
          icon.textContent = "✕";
          clearInterval(timer);
        }
      });
    }, 3000);
  }

  var batch = document.getElementById("batch-progress");
  if (batch && batch.dataset.done !== "true") {
    var bar = document.getElementById("batch-bar");
    var put = function (sel, v) { var el = batch.querySelector(sel); if (el) el.textContent = v; };
    var poll = setInterval(function () {
      getJson(batch.dataset.url, function (p) {
        bar.max = p.total;
        bar.value = p.handled;
        bar.textContent = p.percent + " %";
        put("[data-handled]", p.handled);
        put("[data-percent]", p.percent);
        put("[data-created]", p.created);
        put("[data-failed]", p.failed);
        if (p.done) { clearInterval(poll); batch.dataset.done = "true"; window.location.reload(); }
      });
    }, 1500);
  }

  // An account select follows its unit select: only the chosen unit's accounts are offered.
  Array.prototype.forEach.call(document.querySelectorAll("select[data-unit-select]"), function (accounts) {
    var unit = document.getElementById(accounts.dataset.unitSelect);
    if (!unit) return;
    var follow = function () {
      var groups = accounts.querySelectorAll("optgroup[data-unit]"), first = null, keep = false;
      Array.prototype.forEach.call(groups, function (g) {
        var on = g.dataset.unit === unit.value;
        g.hidden = !on; g.disabled = !on;
        if (on) {
          first = first || g.querySelector("option");
          keep = keep || Array.prototype.some.call(g.querySelectorAll("option"), function (o) { return o.selected; });
        }
      });
      if (!keep && first) first.selected = true;
    };
    unit.addEventListener("change", follow);
    follow();
  });

  document.addEventListener("click", function (ev) {
    var copy = ev.target.closest("[data-copy]");
    if (copy) {
      var text = copy.dataset.copy, note = copy.parentNode.querySelector(".copy-note");
      var done = function () { if (note) note.textContent = copy.dataset.done || "✓"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
      } else { fallback(text); done(); }
    }
    if (ev.target.closest("[data-print]")) window.print();
  });
  function fallback(text) {
    var t = document.createElement("textarea");
    t.value = text; t.setAttribute("readonly", ""); t.style.position = "fixed"; t.style.opacity = "0";
    document.body.appendChild(t); t.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(t);
  }
})();
