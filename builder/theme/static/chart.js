/* collab-site: mounts the interactive score chart over its pre-rendered SVG.
 *
 * Page contract (builder/chart.py documents it in full):
 *   #chart-static   the pre-rendered SVG, visible until the interactive view has rendered
 *   #chart-view     where vega-embed draws
 *   .chart-controls hidden in the HTML; shown here once the interactive chart works
 *   #chart-log      checkbox: log y axis (disabled when the data has a value <= 0)
 *   #chart-reset    button: re-embed (resets zoom and pan; double-click on the chart does too)
 *   #chart-spec     <script type="application/json">
 *                   {"version":1,"empty":bool,"datasets":{...},"linear":{VL spec},"log":{VL spec}|null}
 *
 * Runs under `script-src 'self'` without 'unsafe-eval': no eval, no inline handlers, and
 * vega-embed gets `ast: true` so that Vega evaluates expressions with its interpreter instead of
 * compiling them with `new Function`. On any failure the static SVG stays and a console.warn
 * says why. Agent strings only reach the DOM through Vega (SVG text nodes) and vega-tooltip
 * (HTML-escaped), never through innerHTML here.
 */
(function () {
  "use strict";

  var NARROW_PX = 620;

  function warn(message, error) {
    if (window.console && typeof window.console.warn === "function") {
      window.console.warn("[chart] " + message, error === undefined ? "" : error);
    }
  }

  function readDocument() {
    var el = document.getElementById("chart-spec");
    if (!el) return null;
    var doc = JSON.parse(el.textContent || "null");
    if (!doc || typeof doc !== "object" || !doc.linear) throw new Error("no linear spec");
    return doc;
  }

  function copy(obj) {
    var out = {};
    for (var key in obj) {
      if (Object.prototype.hasOwnProperty.call(obj, key)) out[key] = obj[key];
    }
    return out;
  }

  // One complete Vega-Lite spec: the chosen variant plus the shared datasets; on narrow screens
  // the legend moves under the plot and lists fewer agents.
  function specFor(doc, mode, narrow) {
    var spec = copy(doc[mode] || doc.linear);
    if (doc.datasets) spec.datasets = doc.datasets;
    if (narrow) {
      var config = copy(spec.config || {});
      var legend = copy(config.legend || {});
      legend.orient = "bottom";
      legend.direction = "horizontal";
      legend.columns = 2;
      legend.symbolLimit = 8;
      legend.labelLimit = 120;
      config.legend = legend;
      spec.config = config;
    }
    return spec;
  }

  function mount() {
    var figure = document.getElementById("chart");
    var view = document.getElementById("chart-view");
    var staticEl = document.getElementById("chart-static");
    if (!figure || !view) return;
    if (typeof window.vegaEmbed !== "function") {
      warn("the Vega runtime did not load; showing the static chart");
      return;
    }
    var doc;
    try {
      doc = readDocument();
    } catch (error) {
      warn("unreadable chart data; showing the static chart", error);
      return;
    }
    if (!doc) return;

    var controls = figure.querySelector(".chart-controls");
    var logBox = document.getElementById("chart-log");
    var resetButton = document.getElementById("chart-reset");
    var current = null;     // the live vega-embed result, finalized before the next embed
    var generation = 0;     // ignore embeds that finish after a newer one started
    var narrow = view.clientWidth > 0 && view.clientWidth < NARROW_PX;

    function mode() {
      return logBox && logBox.checked && doc.log ? "log" : "linear";
    }

    function showStatic() {
      if (staticEl) staticEl.hidden = false;
      view.hidden = true;
    }

    function render() {
      var mine = ++generation;
      if (current) {
        try { current.finalize(); } catch (error) { warn("finalize failed", error); }
        current = null;
      }
      view.hidden = false;
      var options = {
        actions: false,
        ast: true,
        renderer: "svg",
        defaultStyle: false,
        tooltip: { theme: "light" },
        // vega.Error (= 1): Vega's warnings (e.g. "legend count exceeds limit" with many agents)
        // are expected; the bundle's window.vega is null, so the level is spelled as a number
        logLevel: 1
      };

      var promise;
      try {
        promise = window.vegaEmbed(view, specFor(doc, mode(), narrow), options);
      } catch (error) {
        promise = Promise.reject(error);
      }
      return promise.then(function (result) {
        if (mine !== generation) {
          result.finalize();
          return;
        }
        current = result;
        if (staticEl) staticEl.hidden = true;
        if (controls && !doc.empty) controls.hidden = false;
        figure.classList.add("chart-live");
        figure.setAttribute("data-chart-mode", mode());
      }).catch(function (error) {
        if (mine !== generation) return;
        warn("interactive chart failed; showing the static chart", error);
        showStatic();
      });
    }

    if (logBox) {
      logBox.disabled = !doc.log;
      if (!doc.log) {
        logBox.checked = false;
        logBox.title = "Log scale needs every score to be above zero";
        if (logBox.parentNode) logBox.parentNode.classList.add("is-disabled");
      }
      logBox.addEventListener("change", render);
    }
    if (resetButton) resetButton.addEventListener("click", render);

    var resizeTimer = null;
    window.addEventListener("resize", function () {
      if (resizeTimer) window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(function () {
        var width = view.clientWidth || figure.clientWidth;
        var nowNarrow = width > 0 && width < NARROW_PX;
        if (nowNarrow !== narrow) {
          narrow = nowNarrow;
          render();
        }
      }, 200);
    });

    render();
  }

  function start() {
    try {
      mount();
    } catch (error) {
      warn("chart set-up failed; showing the static chart", error);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
