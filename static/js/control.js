/* The control page: the open consent round's tally, how many answered and the reasons
   follow the room live (state.round, pushed with every change). The rest of the page is
   plain forms; live.js shares its connection as window.spheresSocket. */
(function () {
  "use strict";
  var socket = window.spheresSocket;
  if (!socket) return;
  socket.on("state", function (state) {
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
