/* The projector: follows the workshop live and browses it with the keyboard.
   The server renders every view (the stage) and escapes it itself; this script swaps it
   in, pages what does not fit, and asks for another practice when a key is pressed.
   The keys change this screen only; when the facilitator puts a practice in focus, the
   projector shows it at once. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("spheres-data").textContent);
  var socket = io({ auth: { role: "screen", code: data.code } });
  window.spheresSocket = socket;  // static/js/timer.js follows the room's timer on it
  var stage = document.getElementById("stage");
  var help = document.getElementById("keys");
  var ROTATE_MS = 9000;

  // What this screen asked for: null follows the phase and the facilitator, "" is the
  // overview, anything else a practice id (kept in the address, so a reload keeps it).
  var params = new URLSearchParams(window.location.search);
  var asked = params.get("view") === "overview" ? "" : params.get("practice");
  var lastPass = params.get("pass") === "last";  // R: the practices asked again, last pass
  var focus = data.focus;
  var selected = null;  // the practice highlighted on the overview
  var pages = {};       // the page shown of each paged list, kept across updates
  var loading = false, again = false;

  function root() { return stage.firstElementChild; }
  function view() { return root() ? root().getAttribute("data-view") : ""; }
  function order() {
    var text = root() ? root().getAttribute("data-order") : "";
    return text ? text.split(" ") : [];
  }

  function show(html) {
    stage.innerHTML = html;
    document.body.className = document.body.className.replace(/\bview-\S+/g, "").trim() +
      " view-" + view();
    markSelected();
    paginate();
  }

  function query(what) {
    var parts = [];
    if (what === "") parts.push("view=overview");
    else if (what !== null) parts.push("practice=" + encodeURIComponent(what));
    if (lastPass) parts.push("pass=last");
    return parts.length ? "?" + parts.join("&") : "";
  }

  function ask(what) {
    asked = what;
    window.history.replaceState(null, "", window.location.pathname + query(what));
    fetchStage();
  }

  function fetchStage() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(window.location.pathname + "/stage" + query(asked), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) show(html); })
      .catch(function () {})
      .then(function () {
        loading = false;
        if (again) { again = false; fetchStage(); }
      });
  }

  socket.on("state", function (state) {
    Object.keys(state.progress || {}).forEach(function (key) {
      document.querySelectorAll("[data-field=" + key + "]").forEach(function (el) {
        el.textContent = state.progress[key];
      });
    });
    if (state.phase !== data.phase) {
      window.location.href = window.location.pathname;
      return;
    }
    if (state.stage === undefined) return;
    if (state.focus !== focus) {  // the facilitator chose: follow at once
      focus = state.focus;
      if (asked !== null) {
        asked = null;
        window.history.replaceState(null, "", window.location.pathname + query(null));
      }
    }
    if (asked === null && !lastPass) show(state.stage);
    else fetchStage();
    document.body.setAttribute("data-live", "");  // the first update arrived
  });

  socket.on("phase", function (message) {
    if (message.phase === "closed") window.location.href = "/";
    else if (message.phase !== data.phase) window.location.href = window.location.pathname;
  });

  // -- the overview's selection ---------------------------------------------------------
  function tiles() { return Array.prototype.slice.call(stage.querySelectorAll(".tile-link")); }

  function markSelected() {
    tiles().forEach(function (link) {
      var on = link.getAttribute("data-practice") === selected;
      link.parentNode.classList.toggle("selected", on);
      if (on) showPageOf(link);
    });
  }

  function moveSelection(step) {
    var ids = order();
    if (!ids.length) return;
    var at = ids.indexOf(selected);
    at = at < 0 ? (step > 0 ? 0 : ids.length - 1) : (at + step + ids.length) % ids.length;
    selected = ids[at];
    markSelected();
  }

  function neighbour(step) {
    var ids = order();
    var current = root() ? root().getAttribute("data-practice") : "";
    var at = ids.indexOf(current);
    if (!ids.length) return;
    ask(ids[at < 0 ? 0 : (at + step + ids.length) % ids.length]);
  }

  stage.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".tile-link") : null;
    if (!link) return;
    event.preventDefault();
    selected = link.getAttribute("data-practice");
    ask(selected);
  });

  // -- pages: lists longer than their box, and overviews of more than 40 practices -----
  function paginate() {
    stage.querySelectorAll("[data-pager]").forEach(function (list, index) {
      var items = Array.prototype.slice.call(list.children);
      var starts = [0];
      var start = 0;
      while (start < items.length) {
        items.forEach(function (item, i) { item.hidden = i < start; });
        var box = list.getBoundingClientRect();
        var end = start + 1;
        while (end < items.length) {
          var r = items[end].getBoundingClientRect();
          if (r.bottom > box.bottom + 1 || r.right > box.right + 1) break;
          end += 1;
        }
        if (end < items.length) starts.push(end);
        start = end;
      }
      list.pagerStarts = starts;
      var key = (root() ? root().getAttribute("data-practice") : "") + ":" + index;
      list.pagerKey = key;
      showListPage(list, (pages[key] || 0) % starts.length);
    });
    var overview = stage.querySelectorAll(".overview-page");
    if (overview.length > 1 && !stage.querySelector(".overview-page.selected-page")) {
      showOverviewPage((pages.overview || 0) % overview.length);
    }
  }

  function showListPage(list, n) {
    var starts = list.pagerStarts;
    var from = starts[n], to = n + 1 < starts.length ? starts[n + 1] : list.children.length;
    Array.prototype.forEach.call(list.children, function (item, i) { item.hidden = i < from || i >= to; });
    pages[list.pagerKey] = n;
    var status = list.nextElementSibling;
    if (status && status.classList.contains("pager-status")) {
      status.textContent = starts.length > 1 ? (n + 1) + " / " + starts.length : "";
    }
  }

  function showOverviewPage(n) {
    var all = stage.querySelectorAll(".overview-page");
    Array.prototype.forEach.call(all, function (page, i) { page.hidden = i !== n; });
    pages.overview = n;
    var status = stage.querySelector("[data-page-status]");
    if (status) status.textContent = (n + 1) + " / " + all.length;
  }

  function showPageOf(link) {
    var page = link.closest(".overview-page");
    if (!page || !page.hidden) return;
    var all = Array.prototype.slice.call(stage.querySelectorAll(".overview-page"));
    showOverviewPage(all.indexOf(page));
  }

  function turnPages(step) {
    stage.querySelectorAll("[data-pager]").forEach(function (list) {
      var n = list.pagerStarts ? list.pagerStarts.length : 1;
      if (n > 1) showListPage(list, (pages[list.pagerKey] + step + n) % n);
    });
    var all = stage.querySelectorAll(".overview-page");
    if (all.length > 1) showOverviewPage(((pages.overview || 0) + step + all.length) % all.length);
  }

  window.setInterval(function () { turnPages(1); }, ROTATE_MS);
  window.addEventListener("resize", paginate);

  // -- keys ------------------------------------------------------------------------------
  function toggleHelp(open) {
    help.hidden = open === undefined ? !help.hidden : !open;
  }

  function fullScreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key;
    var current = view();
    var browsing = data.phase === "map" || data.phase === "negotiation";
    if (key === "?") toggleHelp();
    else if (key === "f" || key === "F") fullScreen();
    else if (key === "c" || key === "C") { document.body.classList.toggle("no-comments"); paginate(); }
    else if (key === "r" || key === "R") { lastPass = !lastPass; ask(asked); }
    else if (key === "Escape") {
      if (!help.hidden) toggleHelp(false);
      else if (browsing) ask(current === "overview" ? null : "");
    } else if (key === "PageDown" || key === "PageUp") turnPages(key === "PageDown" ? 1 : -1);
    else if (!browsing) return;
    else if (key === "ArrowRight" || key === "ArrowLeft" || key === "ArrowDown" || key === "ArrowUp") {
      var step = key === "ArrowRight" || key === "ArrowDown" ? 1 : -1;
      if (current === "overview") moveSelection(step);
      else neighbour(step);
    } else if (key === "Enter") {
      if (current !== "overview") return;
      if (selected === null) moveSelection(1);
      else ask(selected);
    } else return;
    event.preventDefault();
  });

  paginate();
})();
