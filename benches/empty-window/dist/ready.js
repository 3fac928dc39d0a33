// Tells the shell the page is on screen, as the app does after its first results: after load, on
// the next frame, once it has painted. `__TAURI_INTERNALS__` is always there (the global
// `__TAURI__` is off, as in the app).
window.addEventListener("load", () => {
  requestAnimationFrame(() => {
    setTimeout(() => window.__TAURI_INTERNALS__.invoke("app_ready"), 0);
  });
});
