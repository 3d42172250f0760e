// gate's HTML report: what the page adds when scripts may run (the page reads
// without them): sorting tables, filtering files, and keys that move through
// uncovered new lines and issues. Everything reads the DOM; no data is embedded.
"use strict";
(function () {
  document.documentElement.classList.add("js");
  // What only works with the script (filters, the keys' help) is hidden without it.
  document.querySelectorAll("[data-js]").forEach(function (e) { e.hidden = false; });

  // Sorting: a click (or Enter) on a header sorts by that column; again reverses.
  function cellValue(row, i, numeric) {
    var text = row.cells[i].textContent.trim();
    if (!numeric) return text;
    var n = parseFloat(text);
    return isNaN(n) ? -1 : n;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      th.tabIndex = 0;
      function sort() {
        var numeric = th.dataset.sort === "num";
        var descending = th.getAttribute("aria-sort") !== (numeric ? "descending" : "ascending");
        if (numeric && !th.hasAttribute("aria-sort")) descending = true;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, i, numeric), y = cellValue(b, i, numeric);
          var c = x < y ? -1 : x > y ? 1 : 0;
          return descending ? -c : c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });

  // Filters on every files table.
  var form = document.getElementById("filters");
  if (form) {
    var apply = function () {
      var changed = form.elements.changed.checked;
      var issues = form.elements.issues.checked;
      var rule = form.elements.rule.value;
      var severity = form.elements.severity.value;
      var path = form.elements.path.value.toLowerCase();
      document.querySelectorAll("table.files tbody tr").forEach(function (tr) {
        var show = (!changed || tr.dataset.changed === "1") &&
          (!issues || tr.dataset.rules !== "") &&
          (!rule || tr.dataset.rules.split(" ").indexOf(rule) >= 0) &&
          (!severity || tr.dataset.sev.split(" ").indexOf(severity) >= 0) &&
          (!path || tr.cells[0].textContent.toLowerCase().indexOf(path) >= 0);
        tr.hidden = !show;
      });
    };
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  // Keys: n/p the next/previous uncovered new line, i/I the next/previous issue,
  // in document order across files, from the line or issue shown now.
  function step(selector, forward) {
    var all = Array.prototype.slice.call(document.querySelectorAll(selector));
    if (all.length === 0) return;
    var here = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    var next;
    if (here) {
      for (var k = 0; k < all.length; k++) {
        var order = here.compareDocumentPosition(all[k]);
        var after = all[k] !== here && (order & Node.DOCUMENT_POSITION_FOLLOWING ||
          order & Node.DOCUMENT_POSITION_CONTAINED_BY);
        if (forward && after) { next = all[k]; break; }
        if (!forward && !after && all[k] !== here) next = all[k];
      }
    }
    next = next || (forward ? all[0] : all[all.length - 1]);
    location.hash = "#" + next.id;
    next.scrollIntoView({ block: "center" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target.tagName;
    if (t === "INPUT" || t === "SELECT" || t === "TEXTAREA") return;
    if (e.key === "n") step("pre.src > a.u", true);
    else if (e.key === "p") step("pre.src > a.u", false);
    else if (e.key === "i") step("pre.src > .issue", true);
    else if (e.key === "I") step("pre.src > .issue", false);
  });
})();
