/* e-Vize application form: opens and closes the section dialog around htmx swaps.
   No inline scripts (CSP script-src 'self'); the server renders every dialog. */
(function () {
  "use strict";

  function dialog() { return document.getElementById("section-dialog"); }
  function body() { return document.getElementById("dialog-body"); }
  var pending = 0;

  function focusFirst(container) {
    var fields = container.querySelectorAll("input:not([type=hidden]):not([readonly]):not([disabled]), select:not([disabled]), textarea");
    var target = container.querySelector(".has-error input, .has-error select, .has-error textarea");
    for (var i = 0; !target && i < fields.length; i++) {
      if (!fields[i].value && fields[i].type !== "checkbox") { target = fields[i]; }
    }
    target = target || fields[0] || container.querySelector("button.button-primary");
    if (target) { target.focus(); }
  }

  function openDialog() {
    var d = dialog();
    if (!d) { return; }
    if (!d.open) { d.showModal(); }
    focusFirst(body());
  }

  function closeDialog() {
    var d = dialog();
    if (d && d.open) { d.close(); }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "dialog-body") { return; }
    if (target.children.length) { openDialog(); } else { closeDialog(); }
  });

  document.addEventListener("evize:saved", function (event) {
    if (event.detail && event.detail.close) { closeDialog(); }
  });

  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) { event.preventDefault(); closeDialog(); }
  });

  document.addEventListener("close", function (event) {
    if (event.target === dialog()) { body().innerHTML = ""; }
  }, true);

  /* A failed request (lost connection, server error) says so where the user is looking. */
  function showError(event) {
    var page = document.querySelector("[data-msg-error]");
    var text = page ? page.getAttribute("data-msg-error") : "Error";
    var where = event.detail && event.detail.target;
    if (where && where.id === "dialog-body" && dialog() && dialog().open) {
      var p = document.createElement("p");
      p.className = "errorlist request-error";
      p.setAttribute("role", "alert");
      p.textContent = text;
      body().prepend(p);
    } else {
      var status = document.getElementById("draft-status");
      if (status) { status.textContent = text; status.classList.add("draft-error"); }
    }
  }
  document.addEventListener("htmx:responseError", showError);
  document.addEventListener("htmx:sendError", showError);

  /* Warn before leaving while an autosave is still on its way. */
  document.addEventListener("htmx:beforeRequest", function () { pending += 1; });
  document.addEventListener("htmx:afterRequest", function () { pending = Math.max(0, pending - 1); });
  window.addEventListener("beforeunload", function (event) {
    if (pending > 0) { event.preventDefault(); event.returnValue = ""; }
  });
})();
