// Recovery Hub: behaviour kept in static files (no inline scripts, so a strict CSP holds).
document.addEventListener("DOMContentLoaded", () => {
  // Focus the first field that has an error, so keyboard and screen-reader users land on it.
  const invalid = document.querySelector(".is-invalid");
  if (invalid) invalid.focus();
});

// Show each 0-10 slider's value next to it as it moves.
document.addEventListener("input", (event) => {
  const input = event.target;
  if (input.type !== "range") return;
  const output = input.closest(".scale")?.querySelector("[data-scale-output]");
  if (output) output.textContent = input.value;
});
