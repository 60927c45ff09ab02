/* Supplier application: show only the townships of the chosen county and the villages of
   the chosen township (without this script the options stay grouped by county/township),
   and disable the submit button once the form is sent. */
(function () {
  "use strict";

  function filterSelect(select, parentCode) {
    if (!select._allGroups) {
      select._allGroups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));
    }
    var current = select.value;
    select._allGroups.forEach(function (group) {
      var options = group.querySelectorAll("option");
      var matches = options.length && options[0].getAttribute("data-parent") === parentCode;
      if (matches && group.parentNode !== select) {
        select.appendChild(group);
      } else if (!matches && group.parentNode === select) {
        select.removeChild(group);
      }
    });
    if (current && !select.querySelector('option[value="' + current + '"]')) {
      select.value = "";
    }
  }

  document.querySelectorAll("[data-region-picker]").forEach(function (box) {
    var county = box.querySelector("select[name=county]");
    var township = box.querySelector("select[name=township]");
    var village = box.querySelector("select[name=village]");
    if (!county || !township || !village) { return; }
    function refresh() {
      filterSelect(township, county.value);
      filterSelect(village, township.value);
      township.disabled = !county.value;
      village.disabled = !township.value;
    }
    county.addEventListener("change", refresh);
    township.addEventListener("change", refresh);
    refresh();
  });

  document.querySelectorAll("form").forEach(function (form) {
    var button = form.querySelector("[data-submit-once]");
    if (!button) { return; }
    form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
