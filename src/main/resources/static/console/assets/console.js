// Tollgate console behaviour: CSRF on htmx requests, confirmations, copy buttons, charts, code tabs.
// No inline scripts anywhere (the console's Content-Security-Policy forbids them).
(function () {
  "use strict";

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : null;
  }

  // Every htmx request carries the CSRF token, like every form does.
  document.addEventListener("htmx:configRequest", function (event) {
    var header = meta("csrf-header"), token = meta("csrf-token");
    if (header && token) event.detail.headers[header] = token;
  });

  // Forms with data-confirm ask first (delete, revoke).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // Copy buttons: data-copy names the input whose value is copied.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.querySelector(button.getAttribute("data-copy"));
    if (!input) return;
    input.select();
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });

  // Code sample tabs (API docs page): arrow keys move between tabs, as the ARIA tabs pattern says.
  function setupTabs(root) {
    var tabs = Array.prototype.slice.call(root.querySelectorAll('[role="tab"]'));
    function select(tab) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      });
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab); });
      tab.addEventListener("keydown", function (e) {
        var next = e.key === "ArrowRight" ? tabs[(i + 1) % tabs.length] : e.key === "ArrowLeft" ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
        if (next) { e.preventDefault(); select(next); next.focus(); }
      });
    });
    if (tabs.length) select(tabs[0]);
  }

  // Charts: <canvas data-chart-url="…json" data-chart-series="by_day|by_feature|…">. The data comes from the
  // console's JSON endpoints; the loaded figures are kept on window.tollgateCharts for tests and debugging.
  var palette = ["#0b5cad", "#b42318", "#1a7f37", "#9a6700", "#8250df", "#57606a", "#bf3989", "#0a7ea4"];
  window.tollgateCharts = window.tollgateCharts || {};
  var cache = {};

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    }
    return cache[url];
  }

  function drawChart(canvas) {
    if (typeof Chart === "undefined") return;
    var url = canvas.getAttribute("data-chart-url");
    var name = canvas.getAttribute("data-chart-series");
    load(url).then(function (json) {
      var spec = json.charts[name];
      if (!spec) return;
      var existing = Chart.getChart(canvas);
      if (existing) existing.destroy();
      var chart = new Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (d, i) {
            var colour = palette[i % palette.length];
            return { label: d.label, data: d.data, backgroundColor: spec.type === "doughnut" ? palette : colour,
              borderColor: colour, borderWidth: 2, tension: 0.2, fill: false, stack: d.stack };
          })
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { position: "bottom" } },
          scales: spec.type === "doughnut" ? {} : { y: { beginAtZero: true, stacked: !!spec.stacked }, x: { stacked: !!spec.stacked } } }
      });
      window.tollgateCharts[canvas.id] = { labels: spec.labels, datasets: spec.datasets };
      canvas.setAttribute("data-chart-ready", "true");
    }).catch(function (e) {
      canvas.insertAdjacentHTML("afterend", '<p class="problem" role="alert">The chart could not be loaded.</p>');
      canvas.setAttribute("data-chart-ready", "error");
    });
  }

  function init(root) {
    root.querySelectorAll("canvas[data-chart-url]").forEach(drawChart);
    root.querySelectorAll(".code-tabs").forEach(setupTabs);
    var newKey = root.querySelector("#new-key");
    if (newKey) newKey.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
