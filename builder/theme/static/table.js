// Tables: sort by a header, filter rows (marking the filter's words, saying when none match),
// switch best-per-agent / all results, show the top rows of a long view and a button for the
// others, go to a row's anchor (#r-<result>), copy a link to the view, download the rows in view.
// On a page of /results/, the filter looks through the rows of every page. The tables are
// complete HTML without this script; it adds the controls (a sortable column's head becomes a
// button) and keeps the view in the URL:
//   ?sort=<column key>&dir=asc|desc   the sorted column of a table inside [data-url-state]
//   ?q=<text>                         the filter
//   ?view=all                         the all-results view
//   ?rows=all                         every row of a view that shows its top rows (data-top)
// restored on load and on back/forward. Rows the page does not hold come from its views'
// data-src JSON, fetched when first shown, and show data-rows-shown rows at a time. Page values
// arrive formatted by the build; this script formats nothing, and puts agent text into the page
// only as text (textContent, attributes).
(function () {
  "use strict";

  // ------------------------------------------------------------------ URL state (shared)
  function param(name) {
    return new URLSearchParams(window.location.search).get(name) || "";
  }

  // changes: {name: value}; "" or null removes the parameter. push: a new history entry.
  function setParams(changes, push) {
    var params = new URLSearchParams(window.location.search);
    Object.keys(changes).forEach(function (name) {
      var value = changes[name];
      if (value === null || value === undefined || value === "") params.delete(name);
      else params.set(name, value);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url === window.location.pathname + window.location.search + window.location.hash) return;
    window.history[push ? "pushState" : "replaceState"](window.history.state, "", url);
  }

  // ------------------------------------------------------------------ files made in the page
  function saveBlob(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  window.collabSite = { param: param, setParams: setParams, saveBlob: saveBlob };

  // ------------------------------------------------------------------ sorting
  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (!cell) return kind === "number" ? NaN : "";
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value")
      : cell.hasAttribute("data-text") ? cell.getAttribute("data-text") : cell.textContent;
    if (kind === "number") return raw === "" ? NaN : parseFloat(raw);
    return raw.trim().toLowerCase();
  }

  // A cell without a value: no number, or an empty data-value (a date unknown, "—").
  function isBlank(value, kind) {
    return kind === "number" ? isNaN(value) : value === "";
  }

  function compare(a, b, kind) {
    var an = isBlank(a, kind), bn = isBlank(b, kind);
    if (an || bn) return an === bn ? 0 : (an ? 1 : -1); // blanks always last
    if (kind === "number") return a - b;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function headers(table) {
    return Array.prototype.slice.call(table.tHead ? table.tHead.rows[0].cells : []);
  }

  function rememberOrder(table) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row, i) {
      if (row.getAttribute("data-order") === null) row.setAttribute("data-order", String(i));
    });
  }

  // Sort by the column whose data-key is `key` ("" = the order the page came in).
  function sortTable(table, key, dir) {
    rememberOrder(table);
    var ths = headers(table);
    var th = null;
    ths.forEach(function (h) {
      if (key && h.getAttribute("data-key") === key && h.hasAttribute("data-sort")) th = h;
    });
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var order = function (r) { return parseInt(r.getAttribute("data-order"), 10); };
    ths.forEach(function (h) { h.removeAttribute("aria-sort"); });
    if (!th) {
      var initial = table.querySelector("thead th[data-initial-sort]");
      if (initial) initial.setAttribute("aria-sort", initial.getAttribute("data-initial-sort"));
      rows.sort(function (a, b) { return order(a) - order(b); });
    } else {
      var index = ths.indexOf(th), kind = th.getAttribute("data-sort");
      var ascending = dir !== "desc";
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (ra, rb) {
        var a = cellValue(ra, index, kind), b = cellValue(rb, index, kind);
        var c = compare(a, b, kind);
        if (c === 0) return order(ra) - order(rb);
        var blank = isBlank(a, kind) || isBlank(b, kind);
        return blank || ascending ? c : -c;
      });
    }
    rows.forEach(function (r) { body.appendChild(r); });
    limitRows(table);
  }

  // The tables whose sort lives in the URL: those inside [data-url-state], else a page's only table.
  function stateTables() {
    var marked = document.querySelectorAll("[data-url-state] table.sortable");
    var all = document.querySelectorAll("table.sortable");
    return Array.prototype.slice.call(marked.length ? marked : all.length === 1 ? all : []);
  }

  function inUrlState(table) {
    return stateTables().indexOf(table) !== -1;
  }

  // A column's first click: what its header says (a score's best first, the newest date
  // first), else the most first for numbers and A to Z for text.
  function firstDirection(th) {
    return th.getAttribute("data-first-sort") || (th.getAttribute("data-sort") === "number" ? "desc" : "asc");
  }

  // A sortable column's head comes as its label (a span: without this script it would sort
  // nothing) and becomes a button with the same class, so it looks and sits the same.
  function sortButton(th) {
    var label = th.querySelector(".sort-label");
    if (!label) return th;
    var button = make("button", label.className);
    button.type = "button";
    while (label.firstChild) button.appendChild(label.firstChild);
    label.parentNode.replaceChild(button, label);
    return button;
  }

  function makeSortable(table) {
    headers(table).forEach(function (th, index) {
      if (th.hasAttribute("aria-sort")) th.setAttribute("data-initial-sort", th.getAttribute("aria-sort"));
      if (!th.hasAttribute("data-sort")) return;
      if (!th.getAttribute("data-key")) th.setAttribute("data-key", "c" + index);
      var button = sortButton(th);
      button.addEventListener("click", function () {
        var key = th.getAttribute("data-key");
        var now = th.getAttribute("aria-sort");
        var dir = now === "ascending" ? "desc" : now === "descending" ? "asc" : firstDirection(th);
        if (inUrlState(table)) {
          stateTables().forEach(function (t) { sortTable(t, key, dir); });
          setParams({ sort: key, dir: dir }, true);
        } else sortTable(table, key, dir);
      });
    });
  }

  function applySortFromUrl() {
    var key = param("sort"), dir = param("dir") === "desc" ? "desc" : "asc";
    stateTables().forEach(function (t) { sortTable(t, key, dir); });
  }

  // ------------------------------------------------------------------ filtering and counting
  function thousands(x) {
    return x.toLocaleString("en-US");     // 2,000 as the pages write it
  }

  function mainTables() {
    return Array.prototype.slice.call(document.querySelectorAll("table[data-filterable]"))
      .filter(function (t) { return !t.closest("[data-aside]"); });
  }

  function applyFilter(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    var marked = terms.filter(function (t) { return t.length > 1; });    // "e" would mark every row
    var shown = 0, total = 0, noun = "rows", one = "row";
    document.querySelectorAll("table[data-filterable]").forEach(function (table) {
      var kept = 0;
      unmark(table);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !terms.every(function (t) { return text.indexOf(t) !== -1; });
        if (!row.hidden && marked.length) mark(row, marked);
        if (!row.hidden) kept += 1;
      });
      var rows = table.tBodies[0].rows.length;
      limitRows(table);
      sayNoMatch(table, terms.length && !kept && rows ? query.trim() : "");
      sayCount(table, terms.length ? kept : rows, rows);
    });
    // count the rows of the table in view: not the other leaderboard view, not the tables aside
    mainTables().forEach(function (table) {
      if (table.closest("[hidden]")) return;
      noun = table.getAttribute("data-noun") || noun;
      one = table.getAttribute("data-noun-one") || one;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        total += 1;
        if (!row.hidden) shown += 1;
      });
    });
    var count = document.getElementById("lb-count");
    var n = thousands;
    if (count) count.textContent = (terms.length ? n(shown) + " of " + n(total) : n(total)) + " " + (total === 1 ? one : noun);
  }

  // The filter's words, marked in the rows it keeps: text nodes split around <mark>s (no markup
  // is parsed), and joined again before the next filter.
  function unmark(table) {
    table.querySelectorAll("mark.hit").forEach(function (hit) {
      var parent = hit.parentNode;
      parent.replaceChild(document.createTextNode(hit.textContent), hit);
      parent.normalize();
    });
  }

  function mark(row, terms) {
    var walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var spans = hits(node.nodeValue, terms);
      if (!spans.length) return;
      var piece = document.createDocumentFragment(), at = 0;
      spans.forEach(function (span) {
        piece.appendChild(document.createTextNode(node.nodeValue.slice(at, span[0])));
        piece.appendChild(make("mark", "hit", node.nodeValue.slice(span[0], span[1])));
        at = span[1];
      });
      piece.appendChild(document.createTextNode(node.nodeValue.slice(at)));
      node.parentNode.replaceChild(piece, node);
    });
  }

  // [start, end) of each place a term occurs in `text`, merged where they overlap. None when
  // lowering the text changes its length (a few letters do): the places would be wrong.
  function hits(text, terms) {
    var lower = text.toLowerCase(), found = [];
    if (lower.length !== text.length) return found;
    terms.forEach(function (term) {
      for (var at = lower.indexOf(term); at !== -1; at = lower.indexOf(term, at + term.length)) {
        found.push([at, at + term.length]);
      }
    });
    found.sort(function (a, b) { return a[0] - b[0]; });
    return found.reduce(function (merged, span) {
      var last = merged[merged.length - 1];
      if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
      else merged.push(span);
      return merged;
    }, []);
  }

  // A count of a table's rows elsewhere on the page (a table apart's summary): "2 of 8" filtered.
  function sayCount(table, kept, rows) {
    var n = thousands;
    document.querySelectorAll("[data-count-of]").forEach(function (el) {
      if (el.getAttribute("data-count-of") === table.id) {
        text(el, kept === rows ? n(rows) : n(kept) + " of " + n(rows));
      }
    });
  }

  // Under a table the filter emptied: what matched nothing, and a way back.
  function sayNoMatch(table, query) {
    var holder = table.closest(".table-wrap") || table;
    var note = holder.nextElementSibling;
    if (!note || !note.classList.contains("no-match")) {
      if (!query) return;
      note = make("p", "no-match");
      note.appendChild(make("span"));
      var clear = make("button", "view-action", "Clear the filter");
      clear.type = "button";
      clear.addEventListener("click", function () {
        var filter = document.getElementById("lb-filter");
        if (filter) {
          filter.value = "";
          filter.focus();
        }
        setParams({ q: null }, false);
        refilter();
      });
      note.appendChild(document.createTextNode(" "));
      note.appendChild(clear);
      holder.parentNode.insertBefore(note, holder.nextSibling);
    }
    note.hidden = !query;
    text(note.firstChild, "No " + (table.getAttribute("data-noun") || "rows") + " match “" + query + "”.");
  }

  function currentFilter() {
    var filter = document.getElementById("lb-filter");
    return filter ? filter.value : "";
  }

  // ------------------------------------------------------------------ rows shown at a time
  // A view of fetched rows (every ranked result: thousands at scale) shows as many rows as a
  // page of /results/, and a button shows the next ones: thousands of rows take a browser
  // seconds to lay out after every sort or letter typed, and a phone's column of cards would
  // never end. The filter, the sort and the downloads still take every row.
  function rowsStep(table) {
    var holder = table.closest("[data-rows-shown]");
    return holder ? parseInt(holder.getAttribute("data-rows-shown"), 10) || 0 : 0;
  }

  function keptRows(table) {
    return Array.prototype.filter.call(table.tBodies[0].rows, function (row) { return !row.hidden; });
  }

  function limitRows(table) {
    var top = topCount(table);
    if (top) return limitToTop(table, top);
    var step = rowsStep(table);
    if (!step) return;
    var asked = table.getAttribute("data-limit");
    var limit = asked === "all" ? Infinity : parseInt(asked, 10) || step;
    var kept = keptRows(table);
    kept.forEach(function (row, i) { row.classList.toggle("beyond", i >= limit); });
    sayMore(table, Math.min(limit, kept.length), kept.length, step);
  }

  function showRows(table, limit) {
    table.setAttribute("data-limit", String(limit));
    limitRows(table);
  }

  // Under a view with more rows than it shows: how many it shows, and buttons for the others.
  function sayMore(table, shown, kept, step) {
    var holder = table.closest(".table-wrap") || table;
    var note = holder.parentNode.querySelector(".more-rows");
    if (!note) {
      note = make("p", "more-rows");
      note.appendChild(make("span"));
      note.firstChild.setAttribute("role", "status");
      var more = make("button", "view-action");
      var all = make("button", "view-action");
      more.type = all.type = "button";
      more.addEventListener("click", function () {
        showRows(table, keptRows(table).filter(visible).length + step);
      });
      all.addEventListener("click", function () { showRows(table, "all"); });
      note.appendChild(document.createTextNode(" "));
      note.appendChild(more);
      note.appendChild(document.createTextNode(" "));
      note.appendChild(all);
      holder.parentNode.insertBefore(note, holder.nextSibling);
    }
    var noun = table.getAttribute("data-noun") || "rows", n = thousands;
    note.hidden = shown >= kept;
    text(note.firstChild, "Showing " + n(shown) + " of " + n(kept) + " " + noun + ".");
    text(note.children[1], "Show " + n(Math.min(step, kept - shown)) + " more");
    text(note.children[2], "Show all " + n(kept));
  }

  function visible(row) {
    return !row.classList.contains("beyond");
  }

  // A row a link leads to is shown, with the rows before it.
  function reveal(row) {
    var table = row.closest("table"), step = table && rowsStep(table);
    if (table && topCount(table) && !visible(row)) {
      setParams({ rows: "all" }, false);
      openTop(true);
      return;
    }
    if (!step || visible(row)) return;
    var at = keptRows(table).indexOf(row) + 1;
    showRows(table, Math.ceil(at / step) * step);
  }

  // ------------------------------------------------------------------ the top rows
  // A view with data-top (the best per agent, when there are more agents than that) shows its
  // first data-top rows in the order it is sorted, and a button for the others; while the filter
  // holds words it shows every row it keeps. Without this script every row shows.
  function topCount(table) {
    var holder = table.closest("[data-top]");
    return holder ? parseInt(holder.getAttribute("data-top"), 10) || 0 : 0;
  }

  function isOpen(table) {
    return table.hasAttribute("data-open");
  }

  function limitToTop(table, top) {
    var all = isOpen(table) || currentFilter().trim() !== "";
    keptRows(table).forEach(function (row, i) { row.classList.toggle("beyond", !all && i >= top); });
    sayTop(table, top);
  }

  function openTop(open) {
    document.querySelectorAll("[data-top] table").forEach(function (table) {
      table.toggleAttribute("data-open", open);
      limitRows(table);
    });
  }

  // Under the table: a button that shows every row, or the top ones again.
  function sayTop(table, top) {
    var holder = table.closest(".table-wrap") || table;
    var note = holder.parentNode.querySelector(".top-rows");
    if (!note) {
      note = make("p", "top-rows");
      var toggle = make("button", "view-action");
      toggle.type = "button";
      toggle.setAttribute("aria-controls", table.id);
      toggle.addEventListener("click", function () {
        var open = !isOpen(table);
        setParams({ rows: open ? "all" : null }, false);
        openTop(open);
        if (!open) toggle.scrollIntoView({ block: "nearest" });   // the rows it hid were above it
      });
      note.appendChild(toggle);
      holder.parentNode.insertBefore(note, holder.nextSibling);
    }
    var rows = table.tBodies[0].rows.length, button = note.firstChild;
    note.hidden = currentFilter().trim() !== "";
    button.setAttribute("aria-expanded", isOpen(table) ? "true" : "false");
    text(button, isOpen(table) ? "Show top " + thousands(top)
      : "Show all " + thousands(rows) + " " + (table.getAttribute("data-noun") || "rows"));
  }

  // ------------------------------------------------------------------ views of fetched rows
  var loading = {};   // a view's id -> the promise of its rows, once they were asked for

  function text(el, value) {
    el.textContent = value;
    return el;
  }

  function make(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (value !== undefined) el.textContent = value;
    return el;
  }

  // _partials/verification.html: [class, title, mark, word]
  var BADGES = {
    valid: ["badge valid", "verified valid", "✓", "verified"],
    pending: ["badge pending", "verification pending", "○", "pending"],
    invalid: ["badge invalid", "verification failed", "✗", "invalid"]
  };

  function badge(row) {
    var b = BADGES[row.verification];
    if (b) {
      var span = make("span", b[0]), mark = make("span", "mark", b[2]);
      mark.setAttribute("aria-hidden", "true");
      span.appendChild(mark);
      span.appendChild(document.createTextNode(" " + b[3]));
      span.title = b[1];
      return span;
    }
    return make("span", "muted", "—");
  }

  function numberValue(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  // One <td> per column of the table's head, as _partials/result_table.html renders them.
  var CELLS = {
    rank: function (td, row) {
      td.className = "rank";
      td.setAttribute("data-value", numberValue(row.rank));
      text(td, row.rank === null ? "—" : String(row.rank));
    },
    agent: function (td, row) {
      td.className = "agent";
      if (row.agent_url) {
        var a = make("a", "", row.agent);
        a.href = row.agent_url;
        td.appendChild(a);
      } else text(td, row.agent);
    },
    score: function (td, row) {
      td.className = "num score";
      td.setAttribute("data-value", numberValue(row.score));
      td.title = row.score_exact;
      // the badges before the score: the column's scores end where they line up
      if (row.status !== "agent-run") {
        td.appendChild(make("span", "badge status", row.status));
        td.appendChild(document.createTextNode(" "));
      }
      if (row.record) {
        var b = make("span", "badge record", "record");
        b.title = "set a new record when posted";
        td.appendChild(b);
        td.appendChild(document.createTextNode(" "));
      }
      td.appendChild(document.createTextNode(row.score_cell || "—"));
    },
    secondary: function (td, row) {
      td.className = "num secondary";
      td.setAttribute("data-value", numberValue(row.secondary));
      text(td, row.secondary_text || "—");
    },
    method: function (td, row) {
      td.className = "method";
      td.setAttribute("data-text", row.method);
      text(td, row.method || "—");
      if (row.description) td.appendChild(make("span", "desc", row.description)).title = row.description;
    },
    date: function (td, row) {
      td.className = "date";
      td.setAttribute("data-value", row.date_iso);
      var time = make("time", "", row.date_cell);
      time.setAttribute("datetime", row.date_iso);
      td.appendChild(time);
    },
    verified: function (td, row) {
      td.className = "verif";
      td.setAttribute("data-value", row.verification);
      td.appendChild(badge(row));
    },
    links: function (td, row) {
      td.className = "links";
      row.links.forEach(function (link, i) {
        if (i) td.appendChild(document.createTextNode(" · "));
        var a = make("a", "", link[0]);
        a.href = link[1];
        a.setAttribute("aria-label", link[0] + " (" + linkContext(row) + ")");
        td.appendChild(a);
      });
    }
  };

  // As ResultRow.link_context: the row a link belongs to, for a screen reader's list of links.
  function linkContext(row) {
    return [row.agent, row.score_text, row.date_text].filter(Boolean).join(", ");
  }

  function buildRow(table, row) {
    var tr = document.createElement("tr");
    tr.className = "status-" + row.status + (row.record ? " record" : "") + (row.rank === 1 ? " leader" : "");
    tr.setAttribute("data-anchor", row.anchor);
    headers(table).forEach(function (th) {
      var td = document.createElement("td");
      var fill = CELLS[th.getAttribute("data-key")];
      if (fill) fill(td, row);
      td.setAttribute("data-label", th.textContent.trim());
      tr.appendChild(td);
    });
    return tr;
  }

  // The rows of the view `holder` (a .lb-view with data-src) in its table: a promise of whether
  // they are there. The file may be newer than the page: the browser asks (a 304 costs little).
  function loadRows(holder) {
    var table = holder && holder.querySelector("table");
    if (!table) return Promise.resolve(false);
    if (loading[holder.id]) return loading[holder.id];
    loading[holder.id] = window.fetch(holder.getAttribute("data-src"),
                                      { credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var body = table.tBodies[0];
        data.rows.forEach(function (row) { body.appendChild(buildRow(table, row)); });
        table.setAttribute("data-loaded", "");
        return true;
      })
      .catch(function (error) {
        delete loading[holder.id];
        if (window.console) window.console.warn("[table] could not load the rows of " + holder.id, error);
        return false;
      });
    return loading[holder.id];
  }

  function loadAllRows() {
    return loadRows(document.getElementById("lb-view-all"));
  }

  // Only the rows in view carry their anchor as id (a result is in both views).
  function placeAnchors() {
    document.querySelectorAll("tr[data-anchor]").forEach(function (row) {
      if (row.closest(".lb-view[hidden]")) row.removeAttribute("id");
      else row.id = row.getAttribute("data-anchor");
    });
  }

  // A page of /results/: its own rows, or, while the filter holds words, every page's (sorted
  // as the URL says when they come into view, or when `resort`).
  function showPageOrEvery(resort) {
    var own = document.getElementById("results-view-page");
    var every = document.getElementById("results-view-every");
    var wanted = function () { return currentFilter().trim() !== ""; };
    return (wanted() ? loadRows(every) : Promise.resolve(false)).then(function (ok) {
      var across = ok && wanted();
      var switched = every.hidden === across;
      every.hidden = !across;
      own.hidden = across;
      document.querySelectorAll("nav.pager").forEach(function (nav) { nav.hidden = across; });
      if (switched || resort) {
        placeAnchors();
        applySortFromUrl();
      }
      applyFilter(currentFilter());
    });
  }

  // The filter's words changed: the rows it keeps, from every page where the page lists one.
  function refilter() {
    if (document.getElementById("results-view-every")) return showPageOrEvery(false);
    applyFilter(currentFilter());
    return Promise.resolve();
  }

  function showView(view) {
    var best = document.getElementById("lb-view-best");
    var all = document.getElementById("lb-view-all");
    if (document.getElementById("results-view-every")) return showPageOrEvery(true);
    if (!best || !all) {                           // one view only
      placeAnchors();
      applySortFromUrl();
      applyFilter(currentFilter());
      return Promise.resolve();
    }
    view = view === "all" ? "all" : "best";
    document.querySelectorAll("input[name=lb-view]").forEach(function (radio) {
      radio.checked = radio.value === view;
    });
    var ready = view === "all" ? loadAllRows() : Promise.resolve(true);
    return ready.then(function (ok) {
      var shown = view === "all" && ok ? "all" : "best";
      best.hidden = shown !== "best";
      all.hidden = shown !== "all";
      placeAnchors();
      applySortFromUrl();
      applyFilter(currentFilter());
    });
  }

  // ------------------------------------------------------------------ anchors
  function goToAnchor() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    // An anchor inside a closed <details> (the chart's table): open it. Not every browser
    // does that for a fragment by itself, and Chromium does not always.
    var target = id && document.getElementById(id);
    var closed = target && target.closest("details:not([open])");
    if (closed) closed.open = true;
    if (id.indexOf("r-") !== 0) return Promise.resolve();
    var find = function () {
      return Array.prototype.filter.call(document.querySelectorAll("tr[data-anchor]"), function (r) {
        return r.getAttribute("data-anchor") === id;
      });
    };
    var pick = function (rows) {
      return rows.filter(function (r) { return !r.closest(".lb-view[hidden]"); })[0];
    };
    var found = find();
    var step = found.length || !document.getElementById("lb-view-all") ? Promise.resolve() : loadAllRows();
    return step.then(function () {
      found = find();
      if (!found.length) return null;
      if (!pick(found) && found[0].closest("#lb-view-all")) {
        setParams({ view: "all" }, false);
        return showView("all").then(function () { return pick(find()); });
      }
      return pick(found);
    }).then(function (row) {
      if (!row) return;
      if (row.hidden) {                            // filtered out: the filter gives way
        var filter = document.getElementById("lb-filter");
        if (filter) filter.value = "";
        setParams({ q: null }, false);
        applyFilter("");
      }
      reveal(row);
      var details = row.closest("details");
      if (details) details.open = true;
      document.querySelectorAll("tr.is-target").forEach(function (r) { r.classList.remove("is-target"); });
      row.classList.add("is-target");
      row.setAttribute("tabindex", "-1");
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "center" });
    });
  }

  // ------------------------------------------------------------------ copy link
  function setUpCopyLink() {
    var button = document.getElementById("copy-link");
    var status = document.getElementById("view-status");
    if (!button) return;
    button.addEventListener("click", function () {
      var url = window.location.href;
      var done = function (message) { if (status) status.textContent = message; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () { done("Link copied."); },
          function () { done("Copy this link: " + url); });
      } else done("Copy this link: " + url);
    });
  }

  // ------------------------------------------------------------------ download the view
  // The rows a table shows, filtered and in their order, as CSV or JSON: the columns whose head
  // names a field (data-export, as leaderboard.json names it), then each result's status, id
  // and page. Values are the cells' data-value (exact numbers, ISO dates) or their text.
  function tableInView() {
    return mainTables().filter(function (t) {
      return t.hasAttribute("data-export-name") && !t.closest("[hidden]");
    })[0] || null;
  }

  var NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

  function fieldValue(cell) {
    if (!cell) return null;
    if (cell.hasAttribute("data-value")) {
      var raw = cell.getAttribute("data-value");
      return raw === "" ? null : NUMBER.test(raw) ? Number(raw) : raw;
    }
    var shown = cell.hasAttribute("data-text") ? cell.getAttribute("data-text") : cell.textContent;
    var value = shown.replace(/\s+/g, " ").trim();
    return value === "" || value === "—" ? null : value;
  }

  function viewData(table) {
    var fields = [];
    headers(table).forEach(function (th, index) {
      if (th.getAttribute("data-export")) fields.push([th.getAttribute("data-export"), index]);
    });
    var rows = Array.prototype.filter.call(table.tBodies[0].rows, function (row) { return !row.hidden; });
    return {
      columns: fields.map(function (f) { return f[0]; }).concat(["status", "id", "url"]),
      rows: rows.map(function (row) {
        var status = /(?:^|\s)status-(\S+)/.exec(row.className);
        var page = row.querySelector("td.links a");
        return fields.map(function (f) { return fieldValue(row.cells[f[1]]); }).concat([
          status ? status[1] : null,
          (row.getAttribute("data-anchor") || "").replace(/^r-/, "") || null,
          page ? page.href : null]);
      })
    };
  }

  // As leaderboard.csv: text an agent wrote never starts a spreadsheet formula.
  function csvField(value) {
    if (value === null) return "";
    var field = String(value);
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(field)) field = "'" + field;
    return /[",\r\n]/.test(field) ? '"' + field.replace(/"/g, '""') + '"' : field;
  }

  function asCsv(data) {
    return [data.columns].concat(data.rows).map(function (row) {
      return row.map(csvField).join(",") + "\n";
    }).join("");
  }

  function asJson(data) {
    return JSON.stringify(data.rows.map(function (row) {
      var record = {};
      data.columns.forEach(function (column, i) { record[column] = row[i]; });
      return record;
    }), null, 1) + "\n";
  }

  function setUpDownloads() {
    document.querySelectorAll("button[data-export-view]").forEach(function (button) {
      button.addEventListener("click", function () {
        var table = tableInView();
        if (!table) return;
        var json = button.getAttribute("data-export-view") === "json";
        var data = viewData(table);
        var name = table.getAttribute("data-export-name") + (json ? ".json" : ".csv");
        saveBlob(new Blob([json ? asJson(data) : asCsv(data)],
                          { type: json ? "application/json" : "text/csv" }), name);
        var status = document.getElementById("view-status");
        var n = data.rows.length;
        if (status) status.textContent = "Saved " + name + ": " + n.toLocaleString("en-US") +
          (n === 1 ? " row." : " rows.");
      });
    });
  }

  // ------------------------------------------------------------------ start
  function restore() {
    var filter = document.getElementById("lb-filter");
    if (filter) filter.value = param("q");
    document.querySelectorAll("[data-top] table").forEach(function (table) {
      table.toggleAttribute("data-open", param("rows") === "all");
    });
    return showView(param("view"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll(".table-controls").forEach(function (c) { c.hidden = false; });
    var filter = document.getElementById("lb-filter");
    document.querySelectorAll("input[name=lb-view]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        setParams({ view: radio.value === "all" ? "all" : null }, true);
        showView(radio.value);
      });
    });
    if (filter) {
      filter.addEventListener("input", function () {
        refilter();
        setParams({ q: filter.value.trim() ? filter.value : null }, false);
      });
    }
    setUpCopyLink();
    setUpDownloads();
    window.addEventListener("popstate", restore);
    window.addEventListener("hashchange", goToAnchor);
    restore().then(goToAnchor);
  });
})();
