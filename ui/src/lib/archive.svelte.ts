// Which archive the window shows — or the encrypted one waiting for its passphrase — with its
// counts, its collections and the recent archives.
import { ipc, asAppError } from "./ipc";
import type { AppError, ArchiveInfo, ArchiveRef, Collection, Stats } from "./ipc";

class ArchiveSummary {
  info = $state<ArchiveInfo | null>(null);
  stats = $state<Stats | null>(null);
  collections = $state<Collection[]>([]);
  /** An encrypted archive waiting for its passphrase (the window shows the unlock screen). */
  locked = $state<ArchiveRef | null>(null);
  recent = $state<ArchiveRef[]>([]);
  error = $state<AppError | null>(null);
  /** Bumped when another archive was opened (or this one unlocked): views start afresh. */
  generation = $state(0);

  async load(): Promise<void> {
    try {
      const session = await ipc.session();
      this.locked = session.locked;
      this.recent = session.recent;
      if (!session.open) {
        this.info = null;
        this.stats = null;
        this.collections = [];
        return;
      }
      const [info, stats, collections] = await Promise.all([ipc.archiveInfo(), ipc.stats(), ipc.listCollections()]);
      this.info = info;
      this.stats = stats;
      this.collections = collections;
      this.error = null;
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  /** After a switch: load the new archive and let every view start over. */
  async switched(): Promise<void> {
    await this.load();
    this.generation += 1;
  }
}

export const archive = new ArchiveSummary();
