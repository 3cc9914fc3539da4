/* Mark-up for the control engineer: a page of a document drawn with PDF.js; a drag draws a
   rectangle, a click places a pin. The place is written into the note form as the page number
   and x, y, w, h in PDF points from the page's lower-left corner (what the server annotates). */
const root = document.getElementById("markup");

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
  const stage = root.querySelector(".markup-stage");
  const mark = root.querySelector(".markup-mark");
  const pageInput = root.querySelector(".page-input");
  const form = document.getElementById("markup-form");
  const field = (name) => form.querySelector(`[name="${name}"]`);
  const state = { page: Number(pageInput.value) || 1, viewport: null, view: null, start: null };

  root.querySelector(".page-count").textContent = String(pdf.numPages);
  pageInput.max = String(pdf.numPages);

  async function render() {
    const page = await pdf.getPage(state.page);
    const base = page.getViewport({ scale: 1 });
    const scale = Math.max(200, stage.parentElement.clientWidth - 32) / base.width;
    const viewport = page.getViewport({ scale });
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = Math.floor(viewport.width) + "px";
    canvas.style.height = Math.floor(viewport.height) + "px";
    await page.render({ canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null })
      .promise;
    state.viewport = viewport;
    state.view = page.view; // [x0, y0, x1, y1]: the media box
    pageInput.value = String(state.page);
    field("page").value = String(state.page);
    clear();
    root.dataset.state = "ready";
  }

  function clear() {
    mark.hidden = true;
    for (const name of ["x", "y", "w", "h"]) field(name).value = "";
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  function toPdf(p) {
    const [x, y] = state.viewport.convertToPdfPoint(p.x, p.y);
    return { x: x - state.view[0], y: y - state.view[1] };
  }

  function show(a, b) {
    mark.hidden = false;
    mark.style.left = Math.min(a.x, b.x) + "px";
    mark.style.top = Math.min(a.y, b.y) + "px";
    mark.style.width = Math.max(8, Math.abs(a.x - b.x)) + "px";
    mark.style.height = Math.max(8, Math.abs(a.y - b.y)) + "px";
  }

  canvas.addEventListener("pointerdown", (event) => {
    state.start = point(event);
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (state.start) show(state.start, point(event));
  });
  canvas.addEventListener("pointerup", (event) => {
    if (!state.start) return;
    const end = point(event);
    const a = toPdf(state.start);
    const b = toPdf(end);
    const pin = Math.abs(end.x - state.start.x) < 4 && Math.abs(end.y - state.start.y) < 4;
    show(state.start, pin ? state.start : end);
    const round = (v) => (Math.round(Math.max(0, v) * 100) / 100).toString();
    field("x").value = round(Math.min(a.x, b.x));
    field("y").value = round(Math.min(a.y, b.y));
    field("w").value = pin ? "0" : round(Math.abs(a.x - b.x));
    field("h").value = pin ? "0" : round(Math.abs(a.y - b.y));
    state.start = null;
  });

  root.querySelector(".markup-toolbar").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const next = state.page + (button.dataset.action === "next" ? 1 : -1);
    if (next >= 1 && next <= pdf.numPages) {
      state.page = next;
      render();
    }
    if (button.dataset.action === "clear") clear();
  });
  pageInput.addEventListener("change", () => {
    const next = Math.min(pdf.numPages, Math.max(1, Number(pageInput.value) || 1));
    state.page = next;
    render();
  });
  await render();
}

if (root) {
  main().catch(() => {
    root.dataset.state = "error";
    const error = root.querySelector(".viewer-error");
    error.textContent = root.dataset.msgError;
    error.hidden = false;
  });
}
