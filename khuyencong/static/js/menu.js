// The main menu is a <details> element, open by default so that it works without scripts.
// On a narrow screen it starts folded behind its "Danh mục" button and folds again after a choice.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 800px)");
  function fit() {
    var menu = document.querySelector("details.menu");
    if (!menu) { return; }
    if (narrow.matches) { menu.removeAttribute("open"); } else { menu.setAttribute("open", ""); }
  }
  document.addEventListener("DOMContentLoaded", fit);
  if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
}());
