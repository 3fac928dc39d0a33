// The export dialog: what is being exported (a collection, or the results of a search as
// the window shows them), and the last export's report.
import { ipc, asAppError } from "./ipc";
import { library } from "./library.svelte";
import type { AppError, ExportOutcome, ExportRequest } from "./ipc";

export type ExportTarget = { kind: "collection"; name: string } | { kind: "results"; ids: string[]; label: string };

export type ExportFormat = "json" | "csv" | "jsonld" | "bagit" | "csl-json" | "ris" | "citation";
export const FORMATS: ExportFormat[] = ["json", "csv", "jsonld", "bagit", "csl-json", "ris", "citation"];

/** Formats that write one file (the others write a folder, or a bag's zip file). */
export function writesFile(format: ExportFormat, zip: boolean): boolean {
  return format === "csl-json" || format === "ris" || format === "citation" || (format === "bagit" && zip);
}

/** The extension of a format's file, for a suggested name. */
export function extension(format: ExportFormat, zip: boolean): string {
  if (format === "csl-json") return ".json";
  if (format === "ris") return ".ris";
  if (format === "citation") return ".txt";
  if (format === "bagit" && zip) return ".zip";
  return "";
}

class Exporter {
  open = $state(false);
  target = $state<ExportTarget | null>(null);
  running = $state(false);
  outcome = $state<ExportOutcome | null>(null);
  error = $state<AppError | null>(null);
  /** Bumped on every opening, so the form starts afresh. */
  generation = $state(0);

  start(target: ExportTarget): void {
    // Nothing leaves the reading room (the shell refuses exports there too).
    if (library.readingRoom) return;
    this.target = target;
    this.outcome = null;
    this.error = null;
    this.generation += 1;
    this.open = true;
  }

  async run(request: ExportRequest): Promise<void> {
    this.running = true;
    this.error = null;
    try {
      this.outcome = await ipc.exportItems(request);
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      this.running = false;
    }
  }

  close(): void {
    if (this.running) return;
    this.open = false;
  }
}

export const exporter = new Exporter();
