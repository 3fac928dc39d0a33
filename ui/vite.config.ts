import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The app loads these files from disk inside the Tauri window (no dev server in a normal
// build), so everything is bundled locally: no CDN, no web fonts, no remote requests.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    // Keep the bundle free of inline eval-style code paths; the CSP forbids them anyway.
    modulePreload: { polyfill: false },
  },
  server: { port: 5173, strictPort: true },
});
