// Code blocks and tables that scroll sideways can be reached and scrolled with the keyboard
// (WCAG 2.1.1): each one that overflows becomes focusable and says what it is. And one repair to
// mdBook's own page chrome, below.
(function () {
  function label(element) {
    if (element.scrollWidth <= element.clientWidth) return;
    element.setAttribute("tabindex", "0");
    if (!element.hasAttribute("aria-label")) {
      element.setAttribute("aria-label", element.matches("pre") ? "code, scrolls sideways" : "table, scrolls sideways");
    }
  }
  function run() {
    document.querySelectorAll("main pre, main pre > code, main .table-wrapper").forEach(label);
    // mdBook's sidebar toggle is a <label> carrying button attributes (aria-controls, aria-expanded),
    // which a label may not have; it behaves as a button, so it says it is one.
    var toggle = document.getElementById("mdbook-sidebar-toggle");
    if (toggle && !toggle.hasAttribute("role")) toggle.setAttribute("role", "button");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
