// What the sidebar shows of the open archive: where it is, its counts and its collections.
import { ipc, asAppError } from "./ipc";
import type { AppError, ArchiveInfo, Collection, Stats } from "./ipc";

class ArchiveSummary {
  info = $state<ArchiveInfo | null>(null);
  stats = $state<Stats | null>(null);
  collections = $state<Collection[]>([]);
  error = $state<AppError | null>(null);

  async load(): Promise<void> {
    try {
      const [info, stats, collections] = await Promise.all([ipc.archiveInfo(), ipc.stats(), ipc.listCollections()]);
      this.info = info;
      this.stats = stats;
      this.collections = collections;
      this.error = null;
    } catch (e) {
      this.error = asAppError(e);
    }
  }
}

export const archive = new ArchiveSummary();
