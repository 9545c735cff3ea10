// Small progressive enhancements; the pages work without JavaScript.
document.addEventListener("focusin", (event) => {
  const target = event.target;
  if (target instanceof HTMLInputElement && target.hasAttribute("data-select-on-focus")) {
    target.select();
  }
});

// A table wider than the screen scrolls inside its wrapper: keyboard users reach the hidden
// columns only if the wrapper takes focus (WCAG 2.1.1; checked by axe in the browser tests).
function focusableScrollRegions(root) {
  const scope = root instanceof Element ? root : document;
  const wrappers = [...scope.querySelectorAll(".table-responsive")];
  if (scope instanceof Element && scope.matches(".table-responsive")) wrappers.push(scope);
  wrappers.forEach((wrapper) => {
    if (wrapper.scrollWidth > wrapper.clientWidth && !wrapper.hasAttribute("tabindex")) {
      wrapper.setAttribute("tabindex", "0");
    }
  });
}
window.addEventListener("load", () => focusableScrollRegions(document));
document.addEventListener("htmx:load", (event) => focusableScrollRegions(event.target));
window.addEventListener("resize", () => focusableScrollRegions(document));
