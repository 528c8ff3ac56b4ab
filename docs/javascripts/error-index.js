// The Error Reference index (graph-api-errors/): a category and text filter over its one table,
// and old links into the one-page reference (#131047, #error-131047, #error-200-permission-required)
// forwarded to the page that now holds the code. The element carrying the old id names its new
// address in data-forward; without this script the reader lands on that row, which links there.
// Local file, no dependency; runs on every page load and on Material's instant navigation.
(function () {
  function forward() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return false;
    var target = document.getElementById(id);
    var href = target && target.getAttribute("data-forward");
    if (!href) return false;
    location.replace(new URL(href, location.href).href);
    return true;
  }

  function filter(form, table) {
    var category = form.elements.category.value;
    var words = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    table.querySelectorAll("tbody").forEach(function (group) {
      var any = false;
      group.querySelectorAll("tr[data-forward]").forEach(function (row) {
        var match = (!category || group.dataset.category === category) &&
          (!words || row.textContent.toLowerCase().indexOf(words) !== -1);
        row.hidden = !match;
        if (match) { any = true; shown += 1; }
      });
      group.hidden = !any;
    });
    form.elements.count.value = shown + (shown === 1 ? " code" : " codes");
  }

  function setUp() {
    if (forward()) return;
    var form = document.getElementById("error-filter");
    var table = document.getElementById("error-index");
    if (!form || !table || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    form.addEventListener("input", function () { filter(form, table); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    filter(form, table);
  }

  window.addEventListener("hashchange", forward);
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
