// Leaderboard tables: sort by clicking a header, filter rows, switch best-per-agent / all results.
// The tables are complete HTML without this script; it only adds the controls.
(function () {
  "use strict";

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (!cell) return kind === "number" ? NaN : "";
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (kind === "number") return raw === "" ? NaN : parseFloat(raw);
    return raw.trim().toLowerCase();
  }

  function compare(a, b, kind) {
    if (kind === "number") {
      var an = isNaN(a), bn = isNaN(b);
      if (an || bn) return an === bn ? 0 : (an ? 1 : -1); // blanks always last
      return a - b;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortBy(table, th) {
    var headers = Array.prototype.slice.call(th.parentNode.children);
    var index = headers.indexOf(th);
    var kind = th.getAttribute("data-sort");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r._order = i; });
    rows.sort(function (ra, rb) {
      var c = compare(cellValue(ra, index, kind), cellValue(rb, index, kind), kind);
      if (c === 0) return ra._order - rb._order;
      var blank = kind === "number" && (isNaN(cellValue(ra, index, kind)) || isNaN(cellValue(rb, index, kind)));
      return blank ? c : (ascending ? c : -c);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function makeSortable(table) {
    Array.prototype.forEach.call(table.querySelectorAll("thead th[data-sort]"), function (th) {
      var button = th.querySelector("button") || th;
      button.addEventListener("click", function () { sortBy(table, th); });
    });
  }

  function applyFilter(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    document.querySelectorAll("table[data-filterable]").forEach(function (table) {
      // count rows of the table in view: not the other leaderboard view, not folded sections
      var visibleTable = !table.closest("[hidden]") && !table.closest("details:not([open])");
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = terms.every(function (t) { return text.indexOf(t) !== -1; });
        row.hidden = !match;
        if (match && visibleTable) shown += 1;
      });
    });
    var count = document.getElementById("lb-count");
    if (count) count.textContent = shown + (shown === 1 ? " row" : " rows");
  }

  function setView(view) {
    var best = document.getElementById("lb-view-best");
    var all = document.getElementById("lb-view-all");
    if (!best || !all) return;
    best.hidden = view !== "best";
    all.hidden = view !== "all";
    document.querySelectorAll(".lb-view .view-title").forEach(function (h) { h.hidden = true; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll(".table-controls").forEach(function (c) { c.hidden = false; });
    var filter = document.getElementById("lb-filter");
    var radios = document.querySelectorAll("input[name=lb-view]");
    radios.forEach(function (radio) {
      radio.addEventListener("change", function () {
        setView(radio.value);
        applyFilter(filter ? filter.value : "");
      });
    });
    if (radios.length) setView("best");
    if (filter) {
      filter.addEventListener("input", function () { applyFilter(filter.value); });
      applyFilter(filter.value);
    }
  });
})();
