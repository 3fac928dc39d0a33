// The first search of a start goes out before the window is built (main.ts), so that its
// round trip to the archive overlaps the mount and the first layout; App waits for the same one.
import { library } from "./library.svelte";

let first: Promise<void> | null = null;

/** The first search (started by the first call). */
export function firstSearch(): Promise<void> {
  first ??= library.refresh();
  return first;
}
