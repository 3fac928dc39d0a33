// Changes made from more than one place (the detail pane, the bulk panel, the Delete key),
// each recorded so that it can be undone.
import { ipc, type Item } from "./ipc";
import { library } from "./library.svelte";
import { archive } from "./archive.svelte";
import { undo } from "./undo.svelte";
import { privacyEvents } from "./privacy.svelte";
import { t, tn } from "./i18n.svelte";

/** Deletes items at once (no question asked: Ctrl+Z or the toast's Undo puts them back). */
export async function deleteWithUndo(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const deleted = await ipc.deleteItems(ids);
  const label =
    deleted.length === 1 ? t("undo.deleted_one", { title: clip(deleted[0].item.title) }) : tn("undo.deleted", deleted.length);
  undo.push(label, t("undo.undone", { what: label }), () => ipc.restoreItems(deleted));
  library.clearMarks();
  library.selectedId = null;
  library.selectedIndex = -1;
  privacyEvents.changed();
  await Promise.all([archive.load(), library.refresh()]);
}

/** Records a change to one item (saved before this is called), undone by saving the item as
 * it was. */
export function changedWithUndo(label: string, before: Item, after?: () => Promise<void>): void {
  undo.push(label, t("undo.undone", { what: label }), async () => {
    await ipc.putBackItems([before]);
    await after?.();
  });
}

/** Records a new item, undone by deleting it. */
export function addedWithUndo(item: Item): void {
  const label = t("undo.added", { title: clip(item.title) });
  undo.push(label, t("undo.undone", { what: label }), async () => {
    await ipc.deleteItems([item.id]);
    if (library.selectedId === item.id) library.selectedId = null;
  });
}

/** Records a saved edit of one item, undone by saving it as it was. */
export function editedWithUndo(saved: Item, before: Item): void {
  const label = t("undo.edited", { title: clip(saved.title) });
  undo.push(label, t("undo.undone", { what: label }), () => ipc.putBackItems([before]));
}

function clip(title: string): string {
  return title.length > 48 ? `${title.slice(0, 47)}…` : title;
}
