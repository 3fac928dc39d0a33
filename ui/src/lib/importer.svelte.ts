// One import at a time: its progress (from `import-progress` events), the final report, and
// whether its dialog is shown or the import runs in the background.
import { listen } from "@tauri-apps/api/event";
import { ipc, asAppError, IMPORT_PROGRESS } from "./ipc";
import { library } from "./library.svelte";
import { ocrRun } from "./ocr.svelte";
import type { AppError, ImportProgress, ImportReport } from "./ipc";

class Importer {
  running = $state(false);
  dialogOpen = $state(false);
  paths = $state<string[]>([]);
  progress = $state<ImportProgress | null>(null);
  report = $state<ImportReport | null>(null);
  error = $state<AppError | null>(null);
  cancelling = $state(false);
  startedAt = $state(0);
  now = $state(0);

  #ticker: ReturnType<typeof setInterval> | undefined;

  /** Imports files and folders; `onDone` runs after the archive changed. */
  async start(paths: string[], onDone: () => void): Promise<void> {
    if (this.running || paths.length === 0 || library.readingRoom) return;
    this.running = true;
    this.dialogOpen = true;
    this.paths = paths;
    this.progress = null;
    this.report = null;
    this.error = null;
    this.cancelling = false;
    this.startedAt = Date.now();
    this.now = this.startedAt;
    this.#ticker = setInterval(() => (this.now = Date.now()), 1000);
    const unlisten = await listen<ImportProgress>(IMPORT_PROGRESS, (event) => {
      this.progress = event.payload;
    });
    try {
      this.report = await ipc.importPaths(paths);
      this.dialogOpen = true;
      // The words on the new photos are read in the background; the window goes on.
      if (this.report.added.length > 0) void ocrRun.start();
    } catch (e) {
      this.error = asAppError(e);
      this.dialogOpen = true;
    } finally {
      unlisten();
      clearInterval(this.#ticker);
      this.running = false;
      onDone();
    }
  }

  async cancel(): Promise<void> {
    this.cancelling = true;
    try {
      await ipc.cancelImport();
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  /** Seconds left, estimated from the pace so far; null until there is a pace. */
  get secondsLeft(): number | null {
    const p = this.progress;
    if (!p || p.done < 1 || p.total <= p.done) return null;
    const elapsed = (this.now - this.startedAt) / 1000;
    if (elapsed < 2) return null;
    return Math.round((elapsed / p.done) * (p.total - p.done));
  }

  close(): void {
    this.dialogOpen = false;
    if (!this.running) {
      this.report = null;
      this.error = null;
      this.progress = null;
    }
  }
}

export const importer = new Importer();
