// Recovery Hub: a "Print" button is any element with the data-print attribute (no inline JS).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
