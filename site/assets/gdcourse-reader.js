// The site's own behaviour (site/sphinx_reader.py).
(function () {
  "use strict";

  // Navigation: pydata-sphinx-theme 0.17.1 and sphinx-book-theme 1.3.0 attach their menu and
  // page-contents handlers to the first .primary-toggle / .secondary-toggle of the page, a navbar button
  // this theme hides.  Forward a click (touch, mouse, or Enter/Space, which click a <button>) on any
  // other toggle to that first one, whose handlers open the dialog on a narrow screen and collapse
  // the sidebar on a wide one.
  function forwardToggles(selector) {
    var toggles = document.querySelectorAll(selector);
    for (var i = 1; i < toggles.length; i++) {
      toggles[i].addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        toggles[0].click();
      });
    }
  }

  // Buttons that show an icon only get their tooltip as their accessible name (the theme gives some a
  // title only, and "aria-label" values that differ from it).
  function nameIconButtons() {
    document.querySelectorAll("button[title]:not([aria-label])").forEach(function (button) {
      if (!button.textContent.trim()) button.setAttribute("aria-label", button.getAttribute("title"));
    });
  }

  function ready() {
    forwardToggles(".primary-toggle");
    forwardToggles(".secondary-toggle");
    nameIconButtons();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
