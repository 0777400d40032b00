// Recovery Hub: behaviour kept in static files (no inline scripts, so a strict CSP holds).
document.addEventListener("DOMContentLoaded", () => {
  // Focus the first field that has an error, so keyboard and screen-reader users land on it.
  const invalid = document.querySelector(".is-invalid");
  if (invalid) invalid.focus();
});
