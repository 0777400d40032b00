// Recovery Hub: a "Copy" button is any element with data-copy="<id of the field to copy>"
// (no inline JS). It copies the field's value and says so in the button's status region.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      const status = document.getElementById(button.dataset.copyStatus);
      if (!field) return;
      try {
        await navigator.clipboard.writeText(field.value);
      } catch {
        field.select(); // the person can copy it with the keyboard
      }
      if (status) status.textContent = button.dataset.copied || "";
    });
  });
});
