// Recovery Hub: behaviour kept in static files (no inline scripts, so a strict CSP holds).
document.addEventListener("DOMContentLoaded", () => {
  // Focus the first field that has an error, so keyboard and screen-reader users land on it.
  const invalid = document.querySelector(".is-invalid");
  if (invalid) invalid.focus();
});

// A confirmation placed next to the control that was used (accounts/feedback.py): the page
// opens at its anchor; move focus there so it is seen on a phone and read by screen readers.
function focusFeedback() {
  const feedback = document.querySelector(".inline-feedback:not(:empty)");
  if (feedback && feedback.querySelector(".alert")) {
    feedback.focus({ preventScroll: false });
    feedback.scrollIntoView({ block: "center" });
  }
}
document.addEventListener("DOMContentLoaded", focusFeedback);
// Opening the page at its #anchor moves focus to the viewport after DOMContentLoaded (the
// browser's "scroll to the fragment" steps): focus the confirmation again once loaded, unless
// the person has already moved on.
window.addEventListener("load", () => {
  if (!document.activeElement || document.activeElement === document.body) focusFeedback();
});

// After an htmx swap, focus what the server marked (data-focus-after-swap); else, when focus was
// inside the swapped element, keep it there. A swap the person did not cause (a status that
// refreshes itself) never moves their focus.
let focusWasInSwap = false;
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  focusWasInSwap = !!(target && target.contains(document.activeElement));
});
document.addEventListener("htmx:afterSwap", (event) => {
  let target = event.detail.target;
  if (target && !target.isConnected && target.id) {
    target = document.getElementById(target.id) || target; // replaced whole (outerHTML)
  }
  const marked = target?.querySelector?.("[data-focus-after-swap]") ||
    (target?.matches?.("[data-focus-after-swap]") ? target : null) ||
    document.querySelector("[data-focus-after-swap]");
  // Fallback: focus was in what was replaced and is now lost (not already inside the new content).
  const lost = focusWasInSwap && target?.isConnected && !target.contains(document.activeElement);
  const destination = marked || (lost ? target : null);
  if (destination && typeof destination.focus === "function") {
    if (!destination.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(destination.tagName)) {
      destination.setAttribute("tabindex", "-1");
    }
    destination.focus();
    // Focused once: a later swap elsewhere must not find this stale mark first.
    if (marked) marked.removeAttribute("data-focus-after-swap");
  }
});
