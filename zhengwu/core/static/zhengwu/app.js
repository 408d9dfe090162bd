/* Zhengwu web shell: htmx CSRF, htmx error handling, ECharts helper. No build step. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* The Content-Security-Policy allows no inline handlers (onclick=, onchange=): these data attributes replace them.
     data-autosubmit: a select that submits its form on change; data-print: a button that prints the page. */
  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("click", function (evt) {
    var el = evt.target && evt.target.closest ? evt.target.closest("[data-print]") : null;
    if (el) { window.print(); }
  });

  if (window.htmx) {
    // No eval: hx-on, hx-vals "js:" and trigger filters would need 'unsafe-eval', which the CSP refuses.
    htmx.config.allowEval = false;
    // 4xx answers carry a message (the alert partial, retargeted by the server): show it.
    // 5xx answers are full error pages: never swap them into a fragment.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "4..", swap: true, error: true },
      { code: "...", swap: false, error: true }
    ];
    document.addEventListener("htmx:configRequest", function (evt) {
      evt.detail.headers["X-CSRFToken"] = csrfToken();
    });
    document.addEventListener("htmx:sendError", function () {
      var box = document.getElementById("zw-alerts");
      if (box) {
        box.innerHTML = '<div class="alert alert-danger" role="alert"></div>';
        box.firstChild.textContent = box.getAttribute("data-offline-message") || "Network error";
      }
    });
  }

  /* ECharts: zwChart(el, option) draws one chart and keeps it sized to its box.
     Any element with data-echarts='{"xAxis": ...}' is drawn on load and after htmx swaps. */
  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (e) {
      var chart = window.echarts && echarts.getInstanceByDom(e.target);
      if (chart) { chart.resize(); }
    });
  }) : null;

  function zwChart(el, option) {
    if (!window.echarts || !el) { return null; }
    var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option || {}, true);
    if (observer) { observer.observe(el); }
    return chart;
  }

  function initCharts(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var els = Array.prototype.slice.call(scope.querySelectorAll("[data-echarts]"));
    if (scope.matches && scope.matches("[data-echarts]")) { els.push(scope); }
    els.forEach(function (el) {
      try {
        zwChart(el, JSON.parse(el.getAttribute("data-echarts")));
      } catch (err) {
        if (window.console) { console.error("data-echarts", err); }
      }
    });
  }

  if (!observer) {
    window.addEventListener("resize", function () {
      document.querySelectorAll("[data-echarts]").forEach(function (el) {
        var chart = window.echarts && echarts.getInstanceByDom(el);
        if (chart) { chart.resize(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initCharts(document); });
  document.addEventListener("htmx:load", function (evt) { initCharts(evt.detail.elt); });
  document.addEventListener("htmx:beforeCleanupElement", function (evt) {
    var chart = window.echarts && echarts.getInstanceByDom(evt.detail.elt);
    if (chart) {
      if (observer) { observer.unobserve(evt.detail.elt); }
      chart.dispose();
    }
  });

  window.zwChart = zwChart;
})();
