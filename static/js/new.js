/* Creating a workshop. Without JavaScript every part works with plain forms (the filter
   reloads the page, the order is typed as numbers); this script makes it immediate:
   choosing a language or a deck reloads at once, the search and the register filter act
   as you type, buttons select what is shown, or a whole register, and move a practice up
   or down; the number of practices ticked is counted as it changes. */
(function () {
  "use strict";
  var picker = document.getElementById("deck-picker");
  if (picker) {
    picker.addEventListener("change", function (event) {
      if (event.target.name === "wlang") {
        var deck = picker.querySelector("select[name=deck]");
        if (deck) deck.disabled = true;  // let the server pick this language's deck
      }
      picker.submit();
    });
  }

  var list = document.getElementById("practice-choices");
  var filter = document.getElementById("practice-filter");
  if (!list || !filter) return;
  var items = function () { return Array.prototype.slice.call(list.children); };
  var search = filter.querySelector("[name=q]");
  var register = filter.querySelector("[name=register]");
  var count = document.getElementById("shown-count");

  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items().forEach(function (li) {
      var text = li.getAttribute("data-text");
      var ok = (!register.value || li.getAttribute("data-register") === register.value) &&
        words.every(function (w) { return text.indexOf(w) !== -1; });
      li.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = count.getAttribute("data-text")
      .replace("{shown}", shown).replace("{total}", items().length);
  }

  function renumber() {
    items().forEach(function (li, i) { li.querySelector("input.order").value = i + 1; });
  }

  filter.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  search.addEventListener("input", apply);
  register.addEventListener("change", apply);

  // How many are ticked, said as it changes (the guide recommends 10 to 15).
  var chosen = document.getElementById("chosen-count");
  function boxes() { return list.querySelectorAll("input[type=checkbox]"); }
  function countChosen() {
    var n = list.querySelectorAll("input[type=checkbox]:checked").length;
    var form = n === 0 ? "data-zero" : n === 1 ? "data-one" : "data-other";
    chosen.textContent = chosen.getAttribute(form).replace("{n}", n);
  }
  list.addEventListener("change", countChosen);

  document.querySelector(".select-buttons").hidden = false;
  document.querySelectorAll("[data-select]").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = button.getAttribute("data-select") === "all";
      items().forEach(function (li) {
        if (!li.hidden) li.querySelector("input[type=checkbox]").checked = on;
      });
      countChosen();
    });
  });
  // A register's shortcut ticks all its practices (those already ticked stay ticked).
  document.querySelectorAll(".register-shortcuts [data-register]").forEach(function (button) {
    button.addEventListener("click", function () {
      var register = button.getAttribute("data-register");
      items().forEach(function (li) {
        if (li.getAttribute("data-register") === register) {
          li.querySelector("input[type=checkbox]").checked = true;
        }
      });
      countChosen();
    });
  });
  // Reviewing an earlier workshop ticks its practices too.
  var previous = document.getElementById("previous");
  if (previous) {
    previous.addEventListener("change", function () {
      var option = previous.options[previous.selectedIndex];
      var ids = (option.getAttribute("data-practices") || "").split(" ");
      Array.prototype.forEach.call(boxes(), function (box) {
        if (ids.indexOf(box.value) !== -1) box.checked = true;
      });
      countChosen();
    });
  }

  items().forEach(function (li) {
    li.querySelector(".move").hidden = false;
    li.querySelectorAll("[data-move]").forEach(function (button) {
      button.addEventListener("click", function () {
        var up = button.getAttribute("data-move") === "up";
        var sibling = up ? li.previousElementSibling : li.nextElementSibling;
        if (!sibling) return;
        list.insertBefore(li, up ? sibling : sibling.nextElementSibling);
        renumber();
        button.focus();
      });
    });
  });
  apply();
  countChosen();
})();
