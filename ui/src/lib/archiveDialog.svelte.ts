// The archive dialogs: a new archive, opening one by its folder, a new passphrase. None opens
// in the reading room (the shell refuses them there too).
import { library } from "./library.svelte";

export type ArchiveDialogMode = "new" | "open" | "passphrase";

class ArchiveDialogState {
  mode = $state<ArchiveDialogMode | null>(null);
  /** Bumped on every opening, so the form starts afresh. */
  generation = $state(0);

  start(mode: ArchiveDialogMode): void {
    if (library.readingRoom) return;
    this.mode = mode;
    this.generation += 1;
  }

  close(): void {
    this.mode = null;
  }
}

export const archiveDialog = new ArchiveDialogState();
