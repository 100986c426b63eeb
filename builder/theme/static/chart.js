/* collab-site: the score chart. The page shows a pre-rendered SVG (#chart-static), which is also
 * the view without JavaScript. On the visitor's first interaction with the chart (pointer over it,
 * focus or a press on one of its controls), or when the URL asks for a chart state, this script
 * loads the Vega runtime (figure[data-runtime]) and the chart's data (figure[data-src], Vega specs
 * compiled at build time: see builder/chart_runtime.py) and draws the interactive chart into
 * #chart-view. Until then the page has fetched neither.
 *
 * Controls (in the HTML, enabled here): the agent buttons of #chart-legend (aria-pressed; arrow
 * keys move between them), time-range presets (data-range: 24h, 3d, all, counted back from the
 * newest result), zoom and pan buttons (data-zoom), the log scale (#chart-log), downloads
 * (data-download: svg, png). State in the URL, restored on load and on back/forward:
 *   ?agents=<key>,<key>   highlighted agents (keys are slugs from the page, never raw names)
 *   ?range=24h|3d|<from>~<to>   the time range (ISO-8601 UTC for a zoomed range)
 *   ?scale=log
 *
 * Once live, #chart carries data-chart-mode (linear|log) and data-domain ("<from>~<to>" in ms).
 *
 * Runs under `script-src 'self'` without 'unsafe-eval': Vega parses the spec with `ast: true` and
 * evaluates expressions with its interpreter (no `new Function`); no inline handlers, no
 * innerHTML. Agent strings reach the DOM only through Vega (SVG text) and vega-tooltip (escaped).
 * On any failure the static SVG stays and a console.warn says why.
 */
(function () {
  "use strict";

  var HOUR = 36e5;
  var RANGES = { "24h": 24 * HOUR, "3d": 72 * HOUR };

  function warn(message, error) {
    if (window.console && typeof window.console.warn === "function") {
      window.console.warn("[chart] " + message, error === undefined ? "" : error);
    }
  }

  function urlState() {
    return window.collabSite || {
      param: function (name) { return new URLSearchParams(window.location.search).get(name) || ""; },
      setParams: function () {}
    };
  }

  function loadScript(src) {
    if (window.vega && window.vegaExpressionInterpreter) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  function loadJson(src) {
    return window.fetch(src, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " for " + src);
      return response.json();
    });
  }

  // A compiled Vega spec with each named dataset's rows put back (they are stored once).
  function specFor(doc, mode) {
    var spec = doc[mode] || doc.linear;
    var out = {};
    Object.keys(spec).forEach(function (key) { out[key] = spec[key]; });
    out.data = (spec.data || []).map(function (entry) {
      if (!doc.datasets || !doc.datasets[entry.name] || entry.values) return entry;
      var copy = {};
      Object.keys(entry).forEach(function (key) { copy[key] = entry[key]; });
      copy.values = doc.datasets[entry.name];
      return copy;
    });
    return out;
  }

  function extent(doc) {
    var times = (doc.datasets && doc.datasets.results || []).map(function (row) { return Date.parse(row.t); });
    if (!times.length) return null;
    return [Math.min.apply(null, times), Math.max.apply(null, times)];
  }

  // The window moved, its width kept, so that it does not leave the results' time span (`all`):
  // panning past the first result showed days of nothing. A window wider than the span is all.
  function within(window, all) {
    var width = window[1] - window[0];
    if (width >= all[1] - all[0]) return all.slice();
    if (window[0] < all[0]) return [all[0], all[0] + width];
    if (window[1] > all[1]) return [all[1] - width, all[1]];
    return window;
  }

  // The score range to show for a time window: the results in it and the best-so-far line across
  // it, with a margin (on a log scale, a factor), so that a zoomed-in window fills the height.
  function fitScores(doc, window, log) {
    var values = [];
    (doc.datasets.results || []).forEach(function (row) {
      var t = Date.parse(row.t);
      if (t >= window[0] && t <= window[1]) values.push(row.score);
    });
    var before = null;
    (doc.datasets.best_so_far || []).forEach(function (row) {
      var t = Date.parse(row.t);
      if (t <= window[0]) before = row.best;
      else if (t <= window[1]) values.push(row.best);
    });
    if (before !== null) values.push(before);
    if (!values.length) return null;
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    if (log) return [low / Math.pow(high / low, 0.08) / 1.01, high * Math.pow(high / low, 0.08) * 1.01];
    var margin = (high - low) * 0.08 || Math.abs(high) * 0.01 || 1;
    return [low - margin, high + margin];
  }

  // table.js, on every page with a chart, saves files for both.
  function saveBlob(blob, name) {
    window.collabSite.saveBlob(blob, name);
  }

  function dataUrlBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var type = parts[0].replace(/^data:/, "").replace(/;base64$/, "");
    var bytes = window.atob(parts[1]);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) buffer[i] = bytes.charCodeAt(i);
    return new Blob([buffer], { type: type });
  }

  function Chart(figure) {
    this.figure = figure;
    this.viewEl = document.getElementById("chart-view");
    this.staticEl = document.getElementById("chart-static");
    this.status = document.getElementById("chart-status");
    this.logButton = document.getElementById("chart-log");
    this.legend = Array.prototype.slice.call(figure.querySelectorAll("#chart-legend button[data-key]"));
    this.doc = null;
    this.view = null;
    this.mode = null;
    this.loading = null;
    this.generation = 0;
    this.applying = false;
    this.state = { agents: [], range: "all", domain: null, log: false };
  }

  // ------------------------------------------------------------------ state <-> URL
  Chart.prototype.readUrl = function () {
    var url = urlState();
    var known = {};
    this.legend.forEach(function (b) { known[b.getAttribute("data-key")] = true; });
    var range = url.param("range"), domain = null;
    if (range && !RANGES[range] && range !== "all") {
      var ends = range.split("~").map(function (t) { return Date.parse(t); });
      if (ends.length === 2 && ends[0] < ends[1]) domain = ends;
      range = domain ? "custom" : "all";
    }
    this.state = {
      agents: url.param("agents").split(",").filter(function (key) { return known[key]; }),
      range: range || "all",
      domain: domain,
      log: url.param("scale") === "log" && !(this.logButton && this.logButton.disabled)
    };
  };

  Chart.prototype.writeUrl = function (push) {
    var s = this.state;
    var range = s.range === "custom" && s.domain
      ? new Date(s.domain[0]).toISOString() + "~" + new Date(s.domain[1]).toISOString()
      : s.range === "all" ? null : s.range;
    urlState().setParams({ agents: s.agents.join(","), range: range, scale: s.log ? "log" : null }, push);
  };

  Chart.prototype.isDefault = function () {
    return !this.state.agents.length && this.state.range === "all" && !this.state.log;
  };

  // ------------------------------------------------------------------ controls
  Chart.prototype.showControls = function () {
    var s = this.state;
    this.legend.forEach(function (b) {
      b.setAttribute("aria-pressed", s.agents.indexOf(b.getAttribute("data-key")) === -1 ? "false" : "true");
    });
    this.figure.querySelectorAll("button[data-range]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-range") === s.range ? "true" : "false");
    });
    if (this.logButton) this.logButton.setAttribute("aria-pressed", s.log ? "true" : "false");
  };

  Chart.prototype.say = function (message) {
    if (this.status) this.status.textContent = message;
  };

  Chart.prototype.change = function (update) {
    update(this.state);
    this.showControls();
    this.writeUrl(true);
    return this.apply();
  };

  Chart.prototype.bind = function () {
    var chart = this;
    var toolbar = this.figure.querySelector(".chart-toolbar");
    if (toolbar) toolbar.hidden = false;
    this.legend.forEach(function (button, i) {
      button.disabled = false;
      button.tabIndex = i === 0 ? 0 : -1;
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-key");
        chart.change(function (s) {
          var at = s.agents.indexOf(key);
          if (at === -1) s.agents.push(key); else s.agents.splice(at, 1);
        });
      });
    });
    var legendBox = document.getElementById("chart-legend");
    if (legendBox) legendBox.addEventListener("keydown", function (event) { chart.onLegendKey(event); });
    this.figure.querySelectorAll("button[data-range]").forEach(function (button) {
      button.addEventListener("click", function () {
        chart.change(function (s) { s.range = button.getAttribute("data-range"); s.domain = null; });
      });
    });
    this.figure.querySelectorAll("button[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { chart.zoom(button.getAttribute("data-zoom")); });
    });
    if (this.logButton) this.logButton.addEventListener("click", function () {
      chart.change(function (s) { s.log = !s.log; });
    });
    this.figure.querySelectorAll("button[data-download]").forEach(function (button) {
      button.addEventListener("click", function () { chart.download(button.getAttribute("data-download")); });
    });
    // the first interaction with the chart brings its runtime and data
    ["pointerenter", "focusin", "touchstart"].forEach(function (type) {
      chart.figure.addEventListener(type, function () { chart.live(); }, { passive: true });
    });
    window.addEventListener("popstate", function () {
      chart.readUrl();
      chart.showControls();
      if (chart.view || !chart.isDefault()) chart.apply();
    });
  };

  // Arrow keys, Home and End move along the agent buttons (one Tab stop for the whole list).
  Chart.prototype.onLegendKey = function (event) {
    var at = this.legend.indexOf(document.activeElement);
    if (at === -1) return;
    var next = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1,
                 Home: 0, End: this.legend.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    next = Math.max(0, Math.min(this.legend.length - 1, next));
    this.legend[at].tabIndex = -1;
    this.legend[next].tabIndex = 0;
    this.legend[next].focus();
  };

  // ------------------------------------------------------------------ the live view
  Chart.prototype.live = function () {
    var chart = this;
    if (!this.loading) {
      this.say("Loading the interactive chart…");
      this.loading = Promise.all([
        loadScript(this.figure.getAttribute("data-runtime")),
        loadJson(this.figure.getAttribute("data-src"))
      ]).then(function (loaded) {
        var doc = loaded[1];
        if (!doc || !doc.linear) throw new Error("no chart spec");
        chart.doc = doc;
        return chart.apply();
      }).then(function () { return !!chart.view; }, function (error) {
        warn("interactive chart unavailable; showing the static chart", error);
        chart.say("The interactive chart could not be loaded; the picture above is the chart.");
        chart.loading = null;
        return false;
      });
    }
    return this.loading;
  };

  Chart.prototype.mount = function (mode) {
    var mine = ++this.generation;
    // The live chart takes the place of the picture at its height, taller or shorter (the
    // picture scales with the page's width, the live chart's height is fixed): what is below the
    // chart (its caption's links, the legend, the leaderboard) stays under the visitor's pointer
    // or finger.
    if (this.staticEl && !this.staticEl.hidden) this.pictureHeight = this.staticEl.getBoundingClientRect().height;
    if (this.view) {
      try { this.view.finalize(); } catch (error) { warn("finalize failed", error); }
      this.view = null;
    }
    var vega = window.vega;
    var runtime = vega.parse(specFor(this.doc, mode), null, { ast: true });
    var view = new vega.View(runtime, {
      expr: window.vegaExpressionInterpreter,
      renderer: "svg",
      container: this.viewEl,
      hover: true,
      logLevel: vega.Error
    });
    if (window.vegaTooltipHandler) view.tooltip(new window.vegaTooltipHandler({ theme: "custom" }).call);  // style.css colours it
    this.viewEl.hidden = false;
    this.view = view;
    this.mode = mode;
    var chart = this;
    view.addSignalListener("zoom_t", function (name, value) {
      if (chart.applying || mine !== chart.generation) return;
      chart.state.range = value ? "custom" : "all";
      chart.state.domain = value ? [+value[0], +value[1]] : null;
      chart.showControls();
      chart.writeUrl(false);
      chart.showDomain();
    });
    return view.runAsync().then(function () {
      var extra = (chart.pictureHeight || 0) - chart.viewEl.getBoundingClientRect().height;
      if (mine !== chart.generation || Math.abs(extra) < 1) return;
      view.height(view.height() + extra);
      return view.runAsync();
    }).then(function () {
      if (mine !== chart.generation) return;
      if (chart.staticEl) chart.staticEl.hidden = true;
      chart.figure.classList.add("chart-live");
    });
  };

  Chart.prototype.domain = function () {
    var s = this.state, all = extent(this.doc);
    if (!all) return null;
    if (s.range === "custom" && s.domain) return s.domain;
    var span = RANGES[s.range];     // counted back from the newest result, with a little room after it
    if (span && all[1] - all[0] > span) return [all[1] - span, all[1] + span / 50];
    return null;
  };

  // Make the live view show the state (mounting it first when needed).
  Chart.prototype.apply = function () {
    var chart = this;
    if (!this.doc) return this.live();
    if (this.doc.empty) return Promise.resolve();
    var mode = this.state.log && this.doc.log ? "log" : "linear";
    var ready;
    this.applying = true;       // the view's own signal changes are not the visitor's
    try {
      ready = this.view && this.mode === mode ? Promise.resolve() : this.mount(mode);
    } catch (error) {
      ready = Promise.reject(error);
    }
    return ready.then(function () {
      var names = chart.legend.filter(function (b) {
        return chart.state.agents.indexOf(b.getAttribute("data-key")) !== -1;
      }).map(function (b) { return b.getAttribute("data-agent"); });
      var times = chart.domain(), log = mode === "log";
      var scores = times && (fitScores(chart.doc, times, log) || fitScores(chart.doc, extent(chart.doc), log));
      chart.view.signal("highlight", names).signal("zoom_t", times).signal("zoom_score", scores);
      return chart.view.runAsync();
    }).then(function () {
      chart.applying = false;
      chart.figure.setAttribute("data-chart-mode", mode);
      chart.showDomain();
      chart.say(chart.describe());
    }, function (error) {
      chart.applying = false;
      warn("interactive chart failed; showing the static chart", error);
      if (chart.staticEl) chart.staticEl.hidden = false;
      chart.viewEl.hidden = true;
    });
  };

  // The time range in view, in ms since 1970 ("from~to"), for whoever inspects the page.
  Chart.prototype.showDomain = function () {
    var d = this.view.scale("x").domain().map(Number);
    this.figure.setAttribute("data-domain", Math.round(d[0]) + "~" + Math.round(d[1]));
  };

  Chart.prototype.describe = function () {
    var s = this.state;
    var range = { "24h": "the last 24 hours", "3d": "the last 3 days", all: "all results",
                  custom: "a zoomed time range" }[s.range];
    var who = s.agents.length ? s.agents.length + (s.agents.length === 1 ? " agent" : " agents") + " highlighted" : "every agent";
    return "Showing " + range + ", " + who + (s.log ? ", log scale." : ".");
  };

  Chart.prototype.zoom = function (how) {
    var chart = this;
    return this.live().then(function (ok) {
      if (!ok) return;
      var d = chart.view.scale("x").domain().map(Number);
      var all = extent(chart.doc);
      if (!all) return;
      var width = d[1] - d[0], middle = (d[0] + d[1]) / 2;
      var next = {
        "in": [middle - width / 4, middle + width / 4],
        "out": [middle - width, middle + width],
        earlier: [d[0] - width / 4, d[1] - width / 4],
        later: [d[0] + width / 4, d[1] + width / 4]
      }[how];
      if (!next) return;
      // the span may hold the window shown: a preset (24 h) ends a little past the last result
      next = within(next, [Math.min(all[0], d[0]), Math.max(all[1], d[1])]);
      var whole = next[0] <= all[0] && next[1] >= all[1];
      return chart.change(function (s) {
        s.range = whole ? "all" : "custom";
        s.domain = whole ? null : next;
      });
    });
  };

  Chart.prototype.download = function (kind) {
    var chart = this;
    return this.live().then(function (ok) {
      if (!ok) throw new Error("no interactive chart");
      if (kind === "svg") {
        return chart.view.toSVG().then(function (svg) {
          saveBlob(new Blob([svg], { type: "image/svg+xml" }), "score-chart.svg");
        });
      }
      return chart.view.toImageURL("png", 2).then(function (url) {
        saveBlob(dataUrlBlob(url), "score-chart.png");
      });
    }).then(function () {
      chart.say("Chart downloaded as " + kind.toUpperCase() + ".");
    }).catch(function (error) { warn("download failed", error); });
  };

  function start() {
    var figure = document.getElementById("chart");
    // no toolbar: nothing plotted yet, the static picture says so and there is nothing to load
    if (!figure || !document.getElementById("chart-view") || !figure.querySelector(".chart-toolbar")) return;
    var chart = new Chart(figure);
    chart.readUrl();
    chart.bind();
    chart.showControls();
    if (!chart.isDefault()) chart.live();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
