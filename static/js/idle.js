// Idle sign-out warning (accounts/sessions.py). The server says how long this session has left
// (data-idle-* on <body>); a little before the end a dialog offers to stay signed in or to sign
// out. Before warning and before leaving, the page asks the server again (GET, which is not
// activity): another tab may have kept the session alive. When time is up, the page goes to the
// sign-in page, where the server explains why.
(() => {
  const body = document.body;
  const dialog = document.getElementById("idle-warning");
  if (!body || !dialog || !body.dataset.idleSeconds) return;

  const config = body.dataset;
  const warningSeconds = Number(config.idleWarning) || 60;
  const stayButton = dialog.querySelector("[data-idle-stay]");
  const countdown = dialog.querySelector("[data-idle-countdown]");
  const errorText = dialog.querySelector("[data-idle-error]");
  const csrfToken = dialog.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  let deadline = 0;
  let warnTimer = 0;
  let endTimer = 0;
  let tickTimer = 0;
  let focusBefore = null;

  function schedule(secondsLeft) {
    clearTimeout(warnTimer);
    warnTimer = setTimeout(warn, Math.max(0, secondsLeft - warningSeconds) * 1000);
    scheduleEnd(secondsLeft);
  }

  function scheduleEnd(secondsLeft) {
    clearTimeout(endTimer);
    deadline = Date.now() + secondsLeft * 1000;
    // A moment after the server's end, so the server has ended the session by then.
    endTimer = setTimeout(finish, secondsLeft * 1000 + 500);
  }

  async function secondsLeftOnServer() {
    const response = await fetch(config.idleStatusUrl, {
      headers: { Accept: "application/json", "X-Background": "true" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    return (await response.json()).seconds_left;
  }

  function showCountdown() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  }

  function open() {
    if (dialog.open) return;
    focusBefore = document.activeElement;
    errorText.hidden = true;
    showCountdown();
    tickTimer = setInterval(showCountdown, 1000);
    dialog.showModal();
    stayButton.focus();
  }

  function close() {
    clearInterval(tickTimer);
    if (!dialog.open) return;
    dialog.close();
    if (focusBefore && focusBefore.isConnected && typeof focusBefore.focus === "function") {
      focusBefore.focus();
    }
  }

  async function warn() {
    let left = null;
    try {
      left = await secondsLeftOnServer();
    } catch {
      // Offline for a moment: warn on the page's own clock.
    }
    if (left === 0) {
      close();
      goToSignIn();
      return;
    }
    if (left !== null && left > warningSeconds + 1) {
      schedule(left); // kept alive elsewhere
      return;
    }
    if (left !== null) scheduleEnd(left);
    open();
  }

  function goToSignIn() {
    const here = window.location.pathname + window.location.search;
    window.location.assign(`${config.idleSignInUrl}?next=${encodeURIComponent(here)}`);
  }

  async function finish() {
    let left = 0;
    try {
      left = await secondsLeftOnServer();
    } catch {
      left = 0;
    }
    if (left > 0) {
      schedule(left);
      if (left > warningSeconds) close();
      return;
    }
    close();
    goToSignIn();
  }

  async function stay() {
    stayButton.disabled = true;
    try {
      const response = await fetch(config.idleKeepAliveUrl, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
        credentials: "same-origin",
      });
      if (response.status === 401) {
        goToSignIn();
        return;
      }
      if (!response.ok) throw new Error(`keep-alive ${response.status}`);
      schedule((await response.json()).seconds_left);
      close();
    } catch {
      errorText.hidden = false;
    } finally {
      stayButton.disabled = false;
    }
  }

  stayButton.addEventListener("click", stay);
  // Escape is an answer too: the person is here, so it keeps them signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  // Back from another tab or from sleep: the timers may be late, ask the server.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && Date.now() >= deadline - warningSeconds * 1000) {
      warn();
    }
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) warn();
  });

  schedule(Number(config.idleSeconds));
})();
