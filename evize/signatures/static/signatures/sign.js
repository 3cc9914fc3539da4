/* e-Vize signing page: hands the one-time signing token to the signer agent on this computer.
   The agent answers only this site's origin; the PIN is asked by the agent, never by the page. */
(function () {
  "use strict";

  function launch(el) {
    if (el.dataset.launched === "1") { return; }
    el.dataset.launched = "1";
    var data;
    try { data = JSON.parse(el.dataset.launch); } catch (e) { return; }
    var state = el.querySelector(".agent-state");
    var missing = el.querySelector(".agent-missing");
    fetch(data.agent_url + "/sign", {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ v: data.v, token: data.token, server: data.server, session: data.session })
    }).then(function (response) {
      if (!response.ok) { throw new Error("agent answered " + response.status); }
      if (state) { state.textContent = el.dataset.msgWaiting || ""; }
    }).catch(function () {
      if (missing) { missing.hidden = false; }
    });
  }

  function scan(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-launch]")) { launch(scope); }
    scope.querySelectorAll("[data-launch]").forEach(launch);
  }

  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
    document.body.addEventListener("htmx:afterSwap", function (event) { scan(event.target); });
  });
})();
