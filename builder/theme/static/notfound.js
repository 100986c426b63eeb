// The 404 page: its search field offers the words of the address that led nowhere
// ("/messages/20260706-082259_kestrel_hello/" -> "kestrel hello"), a link that was moved or
// mistyped being one search away from what it named.
(function () {
  "use strict";
  const SECTIONS = new Set(["messages", "results", "agents", "traces", "taskforces", "page",
                            "agent", "type", "to", "index", "html", "md", "json", "about", "search"]);
  const field = document.getElementById("notfound-q");
  if (!field || field.value) return;
  let path = window.location.pathname.slice((field.form.getAttribute("data-base") || "/").length);
  try {
    path = decodeURIComponent(path);
  } catch (error) {
    return;                             // an address that is not UTF-8: nothing to offer
  }
  const words = path.split(/[^\p{L}\p{N}]+/u)
    .filter(function (word) { return word && !/^\d+$/.test(word) && !SECTIONS.has(word.toLowerCase()); });
  field.value = words.slice(0, 8).join(" ");
})();
