// Progress of a background import: polls the job's JSON endpoint and reloads the page when it ends.
// Loaded as a file because the Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("[data-progress-bar]");
  var status = box.querySelector("[data-progress-status]");
  var count = box.querySelector("[data-progress-count]");
  var delay = 1500;
  var format = new Intl.NumberFormat("vi-VN");

  function show(job) {
    if (job.rows_total > 0) {
      bar.max = job.rows_total;
      bar.value = Math.min(job.rows_done, job.rows_total);
      count.textContent = format.format(job.rows_done) + "/" + format.format(job.rows_total) + " dòng";
    }
    status.textContent = job.status_label;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.finished) { window.location.reload(); return; }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);  // server busy or offline: back off, keep trying
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
