// The catalog's filters fold behind the 筛选 button on phones (open on wider screens and
// when a filter needs correcting). Loaded right after the <details>, before the first paint.
(function () {
  if (!window.matchMedia("(max-width: 59.99rem)").matches) return;
  document.querySelectorAll("details.filter-drawer:not([data-keep-open])").forEach(function (d) { d.open = false; });
})();
