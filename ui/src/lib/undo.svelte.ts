// What can be taken back: each change the archivist makes (an edit saved, a delete, a bulk
// edit) leaves a step here that reverses it. Ctrl+Z (outside a text field, where the field's own
// undo applies) or the toast's Undo button takes back the last one.
import { asAppError, type AppError } from "./ipc";
import { library } from "./library.svelte";
import { archive } from "./archive.svelte";
import { privacyEvents } from "./privacy.svelte";

interface Step {
  /** What was done, as the toast says it ("Deleted 3 items"). */
  label: string;
  /** Reverses it. */
  undo: () => Promise<void>;
  /** Said once it was reversed. */
  undoneLabel: string;
}

/** How many steps are kept. */
const DEPTH = 50;
/** How long the toast stays, in ms. */
const SHOWN = 8000;

class Undo {
  steps = $state.raw<Step[]>([]);
  /** The toast: what was just done (with Undo) or just taken back. */
  toast = $state<{ text: string; canUndo: boolean } | null>(null);
  error = $state<AppError | null>(null);
  busy = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Records a change that `undo` reverses, and says so in the toast. */
  push(label: string, undoneLabel: string, undo: () => Promise<void>): void {
    this.steps = [...this.steps.slice(-(DEPTH - 1)), { label, undo, undoneLabel }];
    this.error = null;
    this.#show(label, true);
  }

  get canUndo(): boolean {
    return this.steps.length > 0 && !this.busy;
  }

  /** Takes back the last change; the views show the archive as it is after it. */
  async undoLast(): Promise<void> {
    const step = this.steps.at(-1);
    if (!step || this.busy) return;
    this.busy = true;
    try {
      await step.undo();
      this.steps = this.steps.slice(0, -1);
      this.error = null;
      this.#show(step.undoneLabel, false);
    } catch (e) {
      // The step stays: the archivist can read why and try again.
      this.error = asAppError(e);
      this.#show(step.label, true);
    } finally {
      this.busy = false;
      privacyEvents.changed();
      await Promise.all([archive.load(), library.refresh()]);
    }
  }

  /** Forgets every step (another archive was opened: its steps do not apply). */
  clear(): void {
    this.steps = [];
    this.toast = null;
    this.error = null;
  }

  dismiss(): void {
    clearTimeout(this.#timer);
    this.toast = null;
    this.error = null;
  }

  #show(text: string, canUndo: boolean): void {
    clearTimeout(this.#timer);
    this.toast = { text, canUndo };
    this.#timer = setTimeout(() => {
      if (!this.error) this.toast = null;
    }, SHOWN);
  }
}

export const undo = new Undo();
