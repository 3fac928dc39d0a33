// Image addresses. The window reaches images only through the app's `thumb:` protocol, by the
// photo's hash: an upright JPEG without metadata, 320 px (grid) or 1600 px (preview) on its
// longest side. Never a path, never the original file (see src-tauri/src/thumbs.rs).
import { convertFileSrc } from "@tauri-apps/api/core";
import { library } from "./library.svelte";

export type ThumbSize = "grid" | "preview";

// In the reading room the same photo is another address (`?room`): the shell then serves it
// with its redaction boxes burned in, and no image cached outside the room is reused.
export function thumbUrl(sha256: string, size: ThumbSize): string {
  const url = convertFileSrc(`${sha256}/${size}`, "thumb");
  return library.readingRoom ? `${url}?room` : url;
}
