/* Documents page: resumable uploads (tus, via tus-js-client) into each slot, with a progress bar,
   server messages shown as they come, and the slot refreshed when a file is added. */
(function () {
  "use strict";

  var root = document.getElementById("documents");
  if (!root || !window.tus) {
    return;
  }
  var CHUNK = 8 * 1024 * 1024;
  var maxBytes = Number(root.dataset.maxBytes);
  var lang = document.documentElement.lang || "tr";
  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

  function formatSize(bytes) {
    var units = ["B", "KB", "MB", "GB"];
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return numberFormat.format(value) + " " + units[unit];
  }

  function serverMessage(error) {
    var response = error && error.originalResponse;
    if (!response) {
      return root.dataset.msgOffline;
    }
    try {
      var body = JSON.parse(response.getBody());
      if (body && body.error) {
        return body.error;
      }
    } catch (ignored) {
      /* not JSON: fall through */
    }
    return root.dataset.msgFailed + " (" + response.getStatus() + ")";
  }

  function showError(form, message) {
    var box = form.querySelector(".upload-error");
    box.textContent = message;
    box.hidden = !message;
  }

  function refreshSlot(section) {
    return fetch(section.dataset.slotUrl, {
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        var missing = holder.querySelector("#missing-documents");
        var shown = document.getElementById("missing-documents");
        if (fresh) {
          section.replaceWith(fresh);
        }
        if (missing && shown) {
          missing.removeAttribute("hx-swap-oob");
          shown.replaceWith(missing);
        }
        return fresh;
      });
  }

  function startUpload(form) {
    var section = form.closest(".slot");
    var input = form.querySelector("input[type=file]");
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector(".upload-status");
    var progress = status.querySelector("progress");
    var text = status.querySelector(".upload-text");
    var file = input.files && input.files[0];
    showError(form, "");
    if (!file) {
      showError(form, root.dataset.msgChoose);
      return;
    }
    if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") {
      showError(form, root.dataset.msgNotPdf);
      return;
    }
    if (file.size > maxBytes) {
      showError(form, root.dataset.msgTooBig);
      return;
    }
    var typeId = form.dataset.type;
    button.disabled = true;
    status.hidden = false;
    progress.value = 0;
    text.textContent = "0%";

    var upload = new window.tus.Upload(file, {
      endpoint: root.dataset.uploadUrl,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      removeFingerprintOnSuccess: true,
      headers: { "X-CSRFToken": root.dataset.csrf },
      metadata: { filename: file.name, filetype: file.type || "application/pdf", document_type: typeId },
      fingerprint: function (f, options) {
        return Promise.resolve(
          ["evize", options.endpoint, typeId, f.name, f.size, f.lastModified].join("|")
        );
      },
      onProgress: function (sent, total) {
        var percent = total ? Math.floor((sent / total) * 100) : 0;
        progress.value = percent;
        text.textContent =
          formatSize(sent) + " / " + formatSize(total) + " (" + percent + "%)" +
          (sent === total ? " · " + root.dataset.msgChecking : "");
      },
      onError: function (error) {
        button.disabled = false;
        status.hidden = true;
        showError(form, serverMessage(error));
      },
      onSuccess: function () {
        text.textContent = root.dataset.msgDone;
        refreshSlot(section).catch(function () {
          window.location.reload();
        });
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
      }
      upload.start();
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("upload-form")) {
      event.preventDefault();
      startUpload(form);
    } else if (form.classList.contains("delete-form")) {
      if (!window.confirm(root.dataset.msgConfirmDelete)) {
        event.preventDefault();
      }
    }
  });
})();
