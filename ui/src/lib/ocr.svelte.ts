// Reading the words in photos (signs, banners, name tags) in the background after an import:
// the commands of src-tauri/src/ocr.rs, and the run's progress from `ocr-progress` events.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { library } from "./library.svelte";
import type { OcrStatus, OcrWord, Redaction } from "../bindings";

export const OCR_PROGRESS = "ocr-progress";

export const ocrIpc = {
  start: () => invoke<OcrStatus>("start_ocr"),
  cancel: () => invoke<OcrStatus>("cancel_ocr"),
  status: () => invoke<OcrStatus>("ocr_status"),
  words: (id: string) => invoke<OcrWord[]>("ocr_words", { id }),
  suggestions: (id: string) => invoke<Redaction[]>("ocr_redaction_suggestions", { id }),
};

class OcrRun {
  status = $state<OcrStatus>({ running: false, done: 0, total: 0, failed: 0 });
  /** Bumped after each photo read, so an open photo's words are fetched again. */
  version = $state(0);
  #listening = false;

  async #listen(): Promise<void> {
    if (this.#listening) return;
    this.#listening = true;
    await listen<OcrStatus>(OCR_PROGRESS, (event) => {
      this.status = event.payload;
      this.version += 1;
      // The words just read are searchable: the list may have new hits.
      if (!event.payload.running) library.refresh();
    });
  }

  /** Reads every photo not read yet, in the background (nothing in the reading room). */
  async start(): Promise<void> {
    if (library.readingRoom) return;
    await this.#listen();
    try {
      this.status = await ocrIpc.start();
    } catch {
      // No Tesseract here, or the room came on: the photos simply stay unread.
    }
  }

  async cancel(): Promise<void> {
    this.status = await ocrIpc.cancel();
  }
}

export const ocrRun = new OcrRun();

/** Folded words (no case, no accents) for matching a search's words to words read in a photo. */
export function foldWord(word: string): string {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

/** Whether a word read in a photo answers one of the searched words (the same word, or one of
 *  its forms: "educational" finds "EDUCATION"). */
export function wordMatches(read: string, searched: string[]): boolean {
  const word = foldWord(read);
  if (word.length === 0) return false;
  return searched.some((s) => {
    if (s === word) return true;
    const shorter = Math.min(s.length, word.length);
    if (shorter < 4) return false;
    let common = 0;
    while (common < shorter && s[common] === word[common]) common++;
    return common >= Math.max(4, shorter - 2);
  });
}
