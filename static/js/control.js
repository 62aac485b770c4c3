/* The control page: the open consent round's tally, how many answered and the reasons,
   and how many answered a new look, follow the room live (state.round and
   state.revisit, pushed with every change). The rest of the page is
   plain forms; live.js shares its connection as window.spheresSocket. */
(function () {
  "use strict";
  var socket = window.spheresSocket;
  if (!socket) return;
  socket.on("state", function (state) {
    // A new look under way: how many have answered it (its forms carry the words).
    var revisit = state.revisit;
    document.querySelectorAll("[data-revisit-answered]").forEach(function (count) {
      if (!revisit || String(revisit.pass) !== count.getAttribute("data-revisit-answered")) return;
      var n = revisit.answered;
      var form = n === 0 ? "data-zero" : n === 1 ? "data-one" : "data-other";
      count.textContent = count.getAttribute(form).replace("{n}", n);
    });
    var round = state.round;
    document.querySelectorAll("[data-round]").forEach(function (box) {
      if (!round || String(round.id) !== box.getAttribute("data-round")) return;
      var answered = 0;
      Object.keys(round.tally).forEach(function (value) {
        answered += round.tally[value];
        var count = box.querySelector('[data-round-tally="' + value + '"]');
        if (count) count.textContent = round.tally[value];
      });
      var total = box.querySelector("[data-round-answered]");
      if (total) total.textContent = answered;
      ["objections", "reservations"].forEach(function (kind) {
        var part = box.querySelector('[data-round-reasons="' + kind + '"]');
        if (!part) return;
        var list = part.querySelector("ul");
        list.textContent = "";
        round[kind].forEach(function (reason) {
          var item = document.createElement("li");
          item.textContent = reason;
          list.appendChild(item);
        });
        part.hidden = round[kind].length === 0;
      });
    });
  });
})();
