// "/" puts the cursor in the page's filter, else in its search field, else in the header's
// search, as on GitHub (and as the reference dashboard's message filter). Not while typing in
// a field, and not with Ctrl, Alt or Meta (a browser's own shortcuts).
(function () {
  "use strict";
  const FIELDS = ["#lb-filter", "#search-q", "#site-search-q"];
  const TEXT_FIELDS = "textarea, select, input:not([type=radio]):not([type=checkbox])" +
    ":not([type=button]):not([type=submit]):not([type=reset])";

  function target() {
    for (const selector of FIELDS) {
      const field = document.querySelector(selector);
      if (field && field.getClientRects().length) return field;     // shown
    }
    return null;
  }

  function typing(element) {
    return element instanceof Element &&
      (element.isContentEditable || element.matches(TEXT_FIELDS));
  }

  function announce() {
    const field = target();
    if (field) field.setAttribute("aria-keyshortcuts", "/");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.defaultPrevented || typing(event.target)) return;
    const field = target();
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.select();
  });
  window.addEventListener("load", announce);        // once the page's own scripts showed its filter
})();
