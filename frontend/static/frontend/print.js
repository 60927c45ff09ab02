// Shows the "Print label" buttons only when scripts run; the page prints fine without them.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
