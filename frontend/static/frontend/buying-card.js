// Card payment with Stripe.js. The page only collects the card and confirms the
// PaymentIntent; the order is marked paid by the server when Stripe's signed webhook
// arrives, never by this script or the return page.
(function () {
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("card-submit");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    stripe.confirmCardPayment(form.dataset.clientSecret, { payment_method: { card: card } })
      .then(function (result) {
        if (result.error) {
          errors.textContent = result.error.message;
          button.disabled = false;
        } else {
          window.location.assign(form.dataset.returnUrl);
        }
      });
  });
})();
