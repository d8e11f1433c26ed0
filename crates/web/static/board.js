// Display board: live from the center's event stream. Each call flashes its
// counter, plays a chime and is spoken in Vietnamese twice (speechSynthesis);
// calls are announced one after another. After a network blip the stream
// reconnects (EventSource retries; a watchdog reopens it when even the 15 s
// pings stop) and the state is read again, so nothing is missed on screen.
(function () {
  "use strict";
  var center = document.currentScript.dataset.center;
  var now = document.querySelector("[data-now]");
  var recent = document.querySelector("[data-recent]");
  var waiting = document.querySelector("[data-waiting]");
  var status = document.querySelector("[data-status]");
  var soundBtn = document.querySelector("[data-sound]");
  var es = null, lastSeen = Date.now(), audio = null, speaking = false, pending = [];

  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }

  function render(s) {
    now.replaceChildren.apply(now, s.counters.map(function (c) {
      var cell = el("div", "cell"); cell.dataset.counterCode = c.counter;
      cell.append(el("span", "counter", c.name), el("span", "number", c.number || "—"));
      return cell;
    }));
    recent.replaceChildren.apply(recent, s.recent.map(function (r) {
      var li = el("li"); li.append(el("span", "num", r.number), el("span", null, r.counter_name)); return li;
    }));
    waiting.replaceChildren.apply(waiting, s.services.map(function (w) {
      var li = el("li"); li.append(el("span", null, w.prefix + " · " + w.name), el("span", "num", String(w.waiting))); return li;
    }));
  }

  function refresh(fresh) {
    return fetch("/api/v1/queue/centers/" + encodeURIComponent(center) + "/state", { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        render(s);
        if (fresh) {
          now.querySelectorAll(".cell").forEach(function (c) {
            if (c.querySelector(".number").textContent === fresh) c.classList.add("fresh");
          });
        }
      })
      .catch(function () { online(false); });
  }

  function online(ok) { status.hidden = ok; }

  function chime() {
    if (!audio) return Promise.resolve();
    return new Promise(function (done) {
      var t = audio.currentTime;
      [[784, 0], [659, 0.35]].forEach(function (n) {
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = n[0]; o.type = "sine";
        g.gain.setValueAtTime(0.0001, t + n[1]); g.gain.exponentialRampToValueAtTime(0.4, t + n[1] + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t + n[1] + 0.6);
        o.connect(g).connect(audio.destination); o.start(t + n[1]); o.stop(t + n[1] + 0.65);
      });
      setTimeout(done, 1000);
    });
  }

  function say(text) {
    return new Promise(function (done) {
      if (!("speechSynthesis" in window)) return done();
      var u = new SpeechSynthesisUtterance(text);
      u.lang = "vi-VN"; u.rate = 0.9;
      var vi = speechSynthesis.getVoices().filter(function (v) { return /^vi/i.test(v.lang); })[0];
      if (vi) u.voice = vi;
      u.onend = u.onerror = function () { done(); };
      speechSynthesis.speak(u);
      setTimeout(done, 12000); // never block the queue on a voice that does not answer
    });
  }

  function next() {
    if (speaking || !pending.length) return;
    speaking = true;
    var text = pending.shift();
    chime().then(function () { return say(text); }).then(function () { return say(text); })
      .then(function () { speaking = false; next(); });
  }

  function announce(ev) {
    document.title = ev.number + " → " + (ev.counter_name || "");
    pending.push(ev.speech || ev.announce || ev.number);
    next();
  }

  function connect() {
    if (es) es.close();
    es = new EventSource("/api/v1/queue/centers/" + encodeURIComponent(center) + "/events");
    var seen = function () { lastSeen = Date.now(); online(true); };
    es.addEventListener("ready", function () { seen(); refresh(); });
    es.addEventListener("ping", seen);
    es.addEventListener("resync", function () { seen(); refresh(); });
    ["ticket_issued", "service_started", "service_finished", "ticket_no_show", "ticket_parked", "ticket_unparked",
     "ticket_transferred"].forEach(function (n) { es.addEventListener(n, function () { seen(); refresh(); }); });
    ["ticket_called", "ticket_recalled"].forEach(function (n) {
      es.addEventListener(n, function (e) { seen(); var ev = JSON.parse(e.data); refresh(ev.number); announce(ev); });
    });
    es.onerror = function () { online(false); };
  }

  setInterval(function () { if (Date.now() - lastSeen > 40000) { lastSeen = Date.now(); connect(); } }, 5000);

  // Browsers keep sound off until someone touches the page (a TV in kiosk mode can allow autoplay).
  try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
  if (audio && audio.state === "suspended") {
    soundBtn.hidden = false;
    soundBtn.addEventListener("click", function () { audio.resume(); soundBtn.hidden = true; say(""); });
  }

  var clock = document.querySelector("[data-clock]");
  function tick() { clock.textContent = new Date().toLocaleTimeString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit" }); }
  tick(); setInterval(tick, 10000);
  connect();
})();
