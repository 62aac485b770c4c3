/* The room's timer (templates/_timer.html). It counts down from the seconds left that the
   server sent with the page or with a push, measured on this device from that moment: a
   phone whose clock is wrong still shows the right time. The time left is not read aloud
   every second (role="timer"); its end is said once, and shown in words, not by colour.
   Pages holding a live connection share it as window.spheresSocket (live.js for the
   projector and the facilitator, participant.js for phones): the timer then follows the
   `state` and `timer` pushes. Without JavaScript the page says until when. */
(function () {
  "use strict";
  var box = document.getElementById("room-timer");
  if (!box) return;
  var label = box.querySelector(".room-timer-label");
  var clock = box.querySelector(".room-timer-clock");
  var until = box.querySelector(".room-timer-until");
  var status = document.getElementById("room-timer-status");
  var current = null;   // the timer shown: kind, seconds, hour, minute
  var deadline = 0;     // Date.now() on this device when the time is up
  var ticking = null;
  var announced = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60);
    return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(seconds % 60);
  }

  function render() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    clock.textContent = format(left);
    box.classList.toggle("is-up", left === 0);
    if (left > 0) return;
    until.textContent = box.getAttribute("data-up");
    clearInterval(ticking);
    ticking = null;
    if (!announced) {
      announced = true;
      status.textContent = box.getAttribute("data-up-said").replace("{kind}", label.textContent);
    }
  }

  function same(a, b) {
    return a && b && a.kind === b.kind && a.seconds === b.seconds &&
      a.hour === b.hour && a.minute === b.minute;
  }

  function show(timer) {
    clearInterval(ticking);
    ticking = null;
    if (!timer) {
      current = null;
      box.hidden = true;
      status.textContent = "";
      return;
    }
    if (!same(timer, current)) {
      announced = timer.remaining <= 0;  // a timer already over when it arrives is not news
      status.textContent = "";
    }
    current = timer;
    box.hidden = false;
    label.textContent = box.getAttribute("data-label-" + timer.kind) || "";
    until.textContent = box.getAttribute("data-until")
      .replace("{hour}", timer.hour).replace("{minute}", pad(timer.minute));
    deadline = Date.now() + timer.remaining * 1000;
    clock.hidden = false;
    render();
    if (timer.remaining > 0) ticking = setInterval(render, 250);
  }

  if (box.getAttribute("data-kind")) {
    show({
      kind: box.getAttribute("data-kind"),
      seconds: +box.getAttribute("data-seconds"),
      remaining: +box.getAttribute("data-remaining"),
      hour: +box.getAttribute("data-hour"),
      minute: +box.getAttribute("data-minute")
    });
  }

  var socket = window.spheresSocket;
  if (socket) {
    socket.on("state", function (state) { if ("timer" in state) show(state.timer); });
    socket.on("timer", function (message) { show(message.timer); });
  }
})();
