/* The facilitator's page: follows the workshop live over Socket.IO (the projector has screen.js).
   The server sends the map as HTML it rendered (and escaped) itself; this script only
   swaps it in, updates the counts and follows the phase. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("spheres-data").textContent);
  var socket = io({ auth: { role: data.role, code: data.code } });
  window.spheresSocket = socket;  // shared with timer.js
  var mapBox = document.getElementById("map");

  function openCells() {
    // Keep the comments a reader opened open when the map is refreshed.
    var open = [];
    mapBox.querySelectorAll("details[open]").forEach(function (d) {
      var cell = d.closest("td");
      var row = d.closest("tr");
      open.push(row.rowIndex + ":" + cell.cellIndex);
    });
    return open;
  }

  socket.on("state", function (state) {
    Object.keys(state.progress || {}).forEach(function (key) {
      document.querySelectorAll("[data-field=" + key + "]").forEach(function (el) {
        el.textContent = state.progress[key];
      });
    });
    if (state.proposals !== undefined) {
      document.querySelectorAll("[data-field=proposals]").forEach(function (el) {
        el.textContent = state.proposals;
      });
      var notice = document.getElementById("new-proposals");
      var shown = document.querySelectorAll("form.proposal").length;
      if (notice) notice.hidden = state.proposals <= shown;
    }
    if (state.phase !== data.phase) {
      window.location.reload();
      return;
    }
    if (state.map !== null && state.map !== undefined) {
      var open = openCells();
      mapBox.innerHTML = state.map;
      open.forEach(function (key) {
        var parts = key.split(":");
        var row = mapBox.querySelector("table").rows[+parts[0]];
        var details = row && row.cells[+parts[1]] && row.cells[+parts[1]].querySelector("details");
        if (details) details.open = true;
      });
      document.body.classList.add("map-shown");
    } else {
      mapBox.innerHTML = "";
      document.body.classList.remove("map-shown");
    }
  });

  var reloadLink = document.getElementById("new-proposals");
  if (reloadLink) {
    reloadLink.querySelector("button").addEventListener("click", function () {
      window.location.hash = "proposals";
      window.location.reload();
    });
  }

  socket.on("phase", function (message) {
    if (message.phase === "closed") {
      window.location.href = "/";
    } else if (message.phase !== data.phase) {
      window.location.reload();
    }
  });
})();
