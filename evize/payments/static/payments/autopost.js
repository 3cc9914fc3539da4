// Sends the browser on with the form marked data-autopost (to the bank, or back to e-Vize) as
// soon as the page is ready. The form's own button stays for browsers that do not run scripts.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autopost]");
  if (form) {
    form.classList.add("is-sending");
    form.submit();
  }
});
