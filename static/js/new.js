/* Creating a workshop: choosing a language or a deck shows its practices at once.
   Without JavaScript the "Show this deck" button does the same. */
(function () {
  "use strict";
  var picker = document.getElementById("deck-picker");
  if (!picker) return;
  picker.addEventListener("change", function (event) {
    if (event.target.name === "wlang") {
      var deck = picker.querySelector("select[name=deck]");
      if (deck) deck.disabled = true;  // let the server pick this language's deck
    }
    picker.submit();
  });
})();
