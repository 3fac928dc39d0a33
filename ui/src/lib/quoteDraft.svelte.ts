// The "New quote" dialog: opened empty (Ctrl+N, the toolbar's +) or with a passage of an
// article, which becomes the quote's source.
import type { Item } from "./ipc";
import { library } from "./library.svelte";

/** The article a passage was taken from, and where in it. */
export interface PassageSource {
  article: Item;
  /** 1-based number of the paragraph the passage starts in. */
  paragraph: number;
}

class QuoteDraft {
  open = $state(false);
  text = $state("");
  source = $state<PassageSource | null>(null);
  /** Bumped on every opening, so the form starts afresh. */
  generation = $state(0);

  start(text = "", source: PassageSource | null = null): void {
    // A visitor in the reading room reads, and that is all.
    if (library.readingRoom) return;
    this.text = text;
    this.source = source;
    this.generation += 1;
    this.open = true;
  }

  close(): void {
    this.open = false;
  }
}

export const quoteDraft = new QuoteDraft();
