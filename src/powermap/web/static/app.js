// Layer toggles on the document page: hide or show one kind of evidence highlighting.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("input.layer-toggle")) {
    box.addEventListener("change", () => document.body.classList.toggle("hide-" + box.value, !box.checked));
  }
});
