/* Participant pages, on top of plain HTML forms that work without it:
   - save each answer as soon as it is chosen (the server replies once it is on disk),
     and try again until it is saved when the network comes and goes;
   - follow the phase the facilitator sets, and the map once it is revealed. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("spheres-data").textContent);
  var text = data.text;
  var socket = io({
    auth: { role: "participant", code: data.code, token: data.token, lang: data.lang }
  });
  window.spheresSocket = socket;  // shared with timer.js
  var pending = {};  // sphere -> answer waiting for the server's acknowledgement

  function leaveIfPhaseChanged(phase) {
    if (phase === "closed") {
      window.location.href = "/";
    } else if (phase !== data.phase) {
      window.location.href = data.home;
    }
  }

  socket.on("phase", function (message) { leaveIfPhaseChanged(message.phase); });
  socket.on("negotiation", function () {
    // The practice under discussion or a round changed. Reload, unless the person is
    // typing: then say so, and let them reload when they are ready.
    var typing = Array.prototype.some.call(document.querySelectorAll("textarea"),
      function (area) { return area.value && area.value !== area.defaultValue; });
    if (!typing) { window.location.reload(); return; }
    var status = document.getElementById("live-status");
    if (status) status.textContent = text["nego.moved_on"];
  });
  socket.on("cards", function () {
    // The room added a practice: the list of cards (not a card being answered) refreshes.
    if (!document.querySelector(".card-form")) window.location.reload();
  });
  socket.on("map", function (message) {
    var box = document.getElementById("map");
    if (box && message.map) {
      box.innerHTML = message.map;
      showSpeakButtons(box);
    }
  });
  socket.on("connect_error", function (error) {
    if (error && error.message === "error.unknown_participant") {
      window.location.href = data.home;  // the workshop was reset: join again
    }
  });
  socket.on("connect", function () {
    Object.keys(pending).forEach(function (sphere) { send(pending[sphere]); });
  });

  // Read aloud with the phone's own speech synthesis (no external service). Without a
  // voice for the language, say so plainly instead of reading with the wrong accent.
  // The map's buttons arrive with each new map: one listener serves them all.
  var canSpeak = "speechSynthesis" in window;
  function showSpeakButtons(root) {
    if (!canSpeak) return;
    root.querySelectorAll("[data-speak]").forEach(function (button) { button.hidden = false; });
  }
  showSpeakButtons(document);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-speak]");
    if (!button || !canSpeak) return;
    var voices = window.speechSynthesis.getVoices();
    var voice = voices.filter(function (v) {
      return v.lang && v.lang.toLowerCase().indexOf(data.lang) === 0;
    })[0];
    if (voices.length && !voice) {
      var sphere = button.closest("fieldset");
      var status = (sphere && sphere.querySelector(".save-status")) ||
        document.getElementById("live-status");
      if (status) status.textContent = text["speak.no_voice"];
      return;
    }
    window.speechSynthesis.cancel();
    var utterance = new SpeechSynthesisUtterance(button.getAttribute("data-speak"));
    utterance.lang = data.lang;
    if (voice) utterance.voice = voice;
    window.speechSynthesis.speak(utterance);
  });

  var form = document.querySelector(".card-form");
  if (!form) return;
  var practice = form.getAttribute("data-practice");
  var pass = form.getAttribute("data-pass");  // a revisit's card: its pass (2, 3…)

  function status(fieldset, message, isError) {
    var box = fieldset.querySelector(".save-status");
    box.textContent = message;
    box.classList.toggle("is-error", !!isError);
  }

  function send(answer) {
    var fieldset = form.querySelector('fieldset[data-sphere="' + answer.sphere + '"]');
    status(fieldset, socket.connected ? text["save.saving"] : text["save.offline"]);
    socket.timeout(8000).emit("answer", answer, function (err, reply) {
      if (pending[answer.sphere] !== answer) return;  // a newer answer replaced it
      if (err) {
        status(fieldset, text["save.offline"]);
        setTimeout(function () { if (pending[answer.sphere] === answer) send(answer); }, 3000);
        return;
      }
      delete pending[answer.sphere];
      if (reply && reply.ok) {
        status(fieldset, text["save.saved"]);
      } else {
        status(fieldset, (reply && reply.error) || text["save.failed"], true);
      }
    });
  }

  function save(fieldset) {
    var checked = fieldset.querySelector("input[type=radio]:checked");
    if (!checked) return;  // a comment alone is saved with the answer, by the form
    var sphere = fieldset.getAttribute("data-sphere");
    var answer = {
      practice: practice, sphere: sphere, value: checked.value,
      comment: fieldset.querySelector("textarea").value
    };
    if (answer.comment.length > data.limit) return;  // the counter already says why
    if (pass) answer.pass = Number(pass);
    pending[sphere] = answer;
    send(answer);
  }

  form.querySelectorAll("fieldset[data-sphere]").forEach(function (fieldset) {
    var area = fieldset.querySelector("textarea");
    var counter = fieldset.querySelector(".count");
    var box = fieldset.querySelector(".comment-box");
    var timer = null;
    if (box) {  // a comment stays in sight while it holds text
      box.addEventListener("toggle", function () {
        if (!box.open && area.value.trim()) box.open = true;
      });
    }
    fieldset.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () { save(fieldset); });
    });
    area.addEventListener("input", function () {
      var length = area.value.length;
      var tooLong = length > data.limit;
      counter.textContent = length + " / " + data.limit;
      counter.classList.toggle("is-error", tooLong);
      area.setAttribute("aria-invalid", tooLong ? "true" : "false");
      if (tooLong) status(fieldset, text["comment.too_long"], true);
      clearTimeout(timer);
      timer = setTimeout(function () { save(fieldset); }, 1200);
    });
    area.addEventListener("blur", function () { clearTimeout(timer); save(fieldset); });
  });
})();
