// "Add to this phone" (notifications/_install_app.html). Where the browser offers to install
// Recovery Hub (Chrome and Edge send `beforeinstallprompt` once the site is installable), the
// button asks it to; elsewhere (Safari, Firefox) the steps beside it say how. Opened from the
// home screen already, the block says so and offers nothing.
(() => {
  const box = document.querySelector("[data-install-app]");
  if (!box) return;
  const button = box.querySelector("[data-install-button]");
  const status = box.querySelector("[data-install-status]");
  const texts = box.querySelector("template[data-install-messages]");
  let offer = null;

  function say(name) {
    const text = texts?.content.querySelector(`[data-install-message="${name}"]`);
    status.textContent = text ? text.textContent : "";
  }

  const standalone =
    window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
  if (standalone) {
    say("standalone");
    return;
  }

  window.addEventListener("beforeinstallprompt", (event) => {
    // This page offers its own button (and says why) instead of the browser's banner.
    event.preventDefault();
    offer = event;
    button.hidden = false;
  });

  button.addEventListener("click", async () => {
    if (!offer) return;
    const asked = offer;
    offer = null;
    button.hidden = true;
    try {
      await asked.prompt();
      const choice = await asked.userChoice;
      say(choice && choice.outcome === "accepted" ? "installed" : "dismissed");
    } catch (error) {
      say("dismissed");
    }
  });

  window.addEventListener("appinstalled", () => {
    offer = null;
    button.hidden = true;
    say("installed");
  });
})();
