/* The magnifier: a PDF shown in the page with PDF.js (pdfjs-dist): one page at a time, zoom,
   and a column of thumbnails rendered as they scroll into view. The file is fetched with byte
   ranges, so a large drawing set starts showing before it has fully arrived. */
const root = document.getElementById("pdf-viewer");

const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];
const THUMB_WIDTH = 140;

async function main() {
  const pdfjs = await import(root.dataset.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const pdf = await pdfjs.getDocument({
    url: root.dataset.url,
    isEvalSupported: false,
    disableAutoFetch: true,
    standardFontDataUrl: root.dataset.fonts,
    cMapUrl: root.dataset.cmaps,
    cMapPacked: true,
  }).promise;

  const canvas = root.querySelector(".page-canvas");
  const area = root.querySelector(".page-area");
  const pageInput = root.querySelector(".page-input");
  const zoomLabel = root.querySelector(".zoom-level");
  const thumbs = root.querySelector(".thumbnails");
  const state = { page: 1, scale: null, task: null };

  root.querySelector(".page-count").textContent = String(pdf.numPages);
  pageInput.max = String(pdf.numPages);

  async function fitWidthScale(pageNumber) {
    const page = await pdf.getPage(pageNumber);
    const viewport = page.getViewport({ scale: 1 });
    const available = Math.max(200, area.clientWidth - 32);
    return available / viewport.width;
  }

  async function render() {
    const page = await pdf.getPage(state.page);
    if (state.scale === null) {
      state.scale = await fitWidthScale(state.page);
    }
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: state.scale });
    if (state.task) {
      state.task.cancel();
    }
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = Math.floor(viewport.width) + "px";
    canvas.style.height = Math.floor(viewport.height) + "px";
    const task = page.render({
      canvas,
      viewport,
      transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
    });
    state.task = task;
    try {
      await task.promise;
    } catch (error) {
      if (error && error.name === "RenderingCancelledException") {
        return;
      }
      throw error;
    }
    state.task = null;
    pageInput.value = String(state.page);
    zoomLabel.textContent = Math.round(state.scale * 100) + "%";
    for (const button of thumbs.querySelectorAll("button")) {
      if (Number(button.dataset.page) === state.page) {
        button.setAttribute("aria-current", "page");
      } else {
        button.removeAttribute("aria-current");
      }
    }
    canvas.dataset.renderedPage = String(state.page);
    canvas.dataset.renderedScale = String(Math.round(state.scale * 100));
    root.dataset.state = "ready";
  }

  function go(pageNumber) {
    const target = Math.min(pdf.numPages, Math.max(1, pageNumber));
    if (target !== state.page) {
      state.page = target;
      render();
    }
  }

  function zoom(direction) {
    const current = state.scale || 1;
    let next = current;
    if (direction > 0) {
      next = ZOOM_STEPS.find((step) => step > current + 0.001) || ZOOM_STEPS[ZOOM_STEPS.length - 1];
    } else {
      next = [...ZOOM_STEPS].reverse().find((step) => step < current - 0.001) || ZOOM_STEPS[0];
    }
    state.scale = next;
    render();
  }

  root.querySelector(".viewer-toolbar").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) {
      return;
    }
    const action = button.dataset.action;
    if (action === "prev") go(state.page - 1);
    if (action === "next") go(state.page + 1);
    if (action === "zoom-in") zoom(1);
    if (action === "zoom-out") zoom(-1);
    if (action === "fit-width") {
      state.scale = await fitWidthScale(state.page);
      render();
    }
  });
  pageInput.addEventListener("change", () => go(Number(pageInput.value) || 1));
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement) return;
    if (event.key === "ArrowRight" || event.key === "PageDown") go(state.page + 1);
    if (event.key === "ArrowLeft" || event.key === "PageUp") go(state.page - 1);
    if (event.key === "+") zoom(1);
    if (event.key === "-") zoom(-1);
  });

  // Thumbnails: a button per page; each is drawn when it scrolls into view.
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          drawThumbnail(entry.target);
        }
      }
    },
    { root: thumbs, rootMargin: "200px" }
  );

  async function drawThumbnail(button) {
    const page = await pdf.getPage(Number(button.dataset.page));
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: THUMB_WIDTH / base.width });
    const thumb = button.querySelector("canvas");
    thumb.width = Math.floor(viewport.width);
    thumb.height = Math.floor(viewport.height);
    await page.render({ canvas: thumb, viewport }).promise;
    thumb.dataset.rendered = "true";
  }

  for (let number = 1; number <= pdf.numPages; number += 1) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.page = String(number);
    button.setAttribute("aria-label", `${number}`);
    const thumb = document.createElement("canvas");
    thumb.width = THUMB_WIDTH;
    thumb.height = Math.round(THUMB_WIDTH * 1.414);
    const label = document.createElement("span");
    label.textContent = String(number);
    button.append(thumb, label);
    button.addEventListener("click", () => go(number));
    thumbs.append(button);
    observer.observe(button);
  }

  await render();
}

if (root) {
  main().catch((error) => {
    root.dataset.state = "error";
    const box = root.querySelector(".viewer-error");
    box.textContent = root.dataset.msgError;
    box.hidden = false;
    console.error(error);
  });
}
