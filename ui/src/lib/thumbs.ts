// Image addresses. The window reaches images only through the app's `thumb:` protocol, by the
// photo's hash: an upright JPEG without metadata, 320 px (grid) or 1600 px (preview) on its
// longest side. Never a path, never the original file (see src-tauri/src/thumbs.rs).
import { convertFileSrc } from "@tauri-apps/api/core";

export type ThumbSize = "grid" | "preview";

export function thumbUrl(sha256: string, size: ThumbSize): string {
  return convertFileSrc(`${sha256}/${size}`, "thumb");
}
