// Search suggestions as you type (progressive enhancement: without JavaScript the search
// box is a plain GET form). Fetches the server-rendered fragment of /products/suggest/.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest-url]").forEach(function (input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var timer = null;
    var last = null;
    if (!box) return;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var q = input.value.trim();
        if (q === last) return;
        last = q;
        if (!q) { box.innerHTML = ""; return; }
        var url = input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q);
        fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) { if (input.value.trim() === q) box.innerHTML = html; })
          .catch(function () { box.innerHTML = ""; });
      }, 200);
    });
  });
})();
