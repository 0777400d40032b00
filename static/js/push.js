// "Turn on notifications on this device" (notifications/_push_devices.html). Asks the browser
// for permission, subscribes through the service worker that static/js/pwa.js registers (it
// waits for navigator.serviceWorker.ready), and sends the subscription to the server, which
// keeps it for this person. Without Push API support the block says so instead.
(() => {
  const box = document.querySelector("[data-push]");
  if (!box) return;
  const button = box.querySelector("[data-push-enable]");
  const status = box.querySelector("[data-push-status]");
  const unsupported = box.querySelector("[data-push-unsupported]");
  const texts = box.querySelector("template[data-push-messages]");
  const csrfToken = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";

  function say(name) {
    const text = texts?.content.querySelector(`[data-push-message="${name}"]`);
    status.textContent = text ? text.textContent : "";
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  const supported =
    "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) {
    unsupported.hidden = false;
    return;
  }
  if (Notification.permission === "denied") say("denied");
  button.hidden = false;

  async function send(subscription) {
    const response = await fetch(box.dataset.pushUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(subscription.toJSON()),
    });
    if (!response.ok) throw new Error(`subscribe answered ${response.status}`);
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      say("asking");
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say("denied");
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      let subscription = await registration.pushManager.getSubscription();
      if (!subscription) {
        subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.pushKey),
        });
      }
      await send(subscription);
      say("on");
      window.location.reload(); // the list of devices shows this one now
    } catch (error) {
      say("error");
    } finally {
      button.disabled = false;
    }
  });
})();
