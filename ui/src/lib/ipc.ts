// The only door to Rust: one typed function per command. Argument and result types are
// generated from the Rust types (src/bindings, never edited by hand).
import { invoke } from "@tauri-apps/api/core";
import type {
  AppError,
  ArchiveInfo,
  Chooser,
  BulkChange,
  DeletedItem,
  Citation,
  Session,
  Collection,
  Event,
  ExportOutcome,
  ExportRequest,
  ImportReport,
  Item,
  NewQuote,
  Operation,
  OperationKind,
  RevertPlan,
  ShareReport,
  MergeReport,
  Conflict,
  ConflictChoice,
  Version,
  Person,
  Gps,
  Place,
  SearchRequest,
  Spread,
  Template,
  TimeUnit,
  SearchResults,
  Stats,
  TagCount,
} from "../bindings";

export type * from "../bindings";

/** The citation styles the engine renders. */
export type CitationStyle = "chicago" | "mla" | "apa";

/** Whether a thrown value is a command's typed error. */
export function isAppError(value: unknown): value is AppError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** Any thrown value as an AppError (a failure outside our commands becomes `internal`). */
export function asAppError(value: unknown): AppError {
  if (isAppError(value)) return value;
  return { code: "internal", message: String(value) };
}

export const ipc = {
  archiveInfo: () => invoke<ArchiveInfo>("archive_info"),
  search: (request: SearchRequest) => invoke<SearchResults>("search", { request }),
  /** Every result's id, in order (no snippets): for selecting or exporting all of them. */
  searchIds: (request: SearchRequest) => invoke<string[]>("search_ids", { request }),
  getItem: (id: string) => invoke<Item>("get_item", { id }),
  updateItem: (item: Item) => invoke<Item>("update_item", { item }),
  /** Deletes items; what comes back puts them back as they were (`restoreItems`, the undo). */
  deleteItems: (ids: string[]) => invoke<DeletedItem[]>("delete_items", { ids }),
  restoreItems: (deleted: DeletedItem[]) => invoke<void>("restore_items", { deleted }),
  /** One change to many items; returns them as they were before, for `putBackItems`. */
  editItems: (ids: string[], change: BulkChange) => invoke<Item[]>("edit_items", { ids, change }),
  putBackItems: (items: Item[]) => invoke<void>("put_back_items", { items }),
  stats: () => invoke<Stats>("stats"),
  describeDate: (date: string) => invoke<string>("describe_date", { date }),
  listTags: () => invoke<TagCount[]>("list_tags"),
  listPeople: () => invoke<Person[]>("list_people"),
  listPlaces: () => invoke<Place[]>("list_places"),
  /** Where and when a search's matches are (the timeline and the map). */
  spread: (request: SearchRequest, unit: TimeUnit) => invoke<Spread>("spread", { request, unit }),
  listTemplates: () => invoke<Template[]>("list_templates"),
  saveTemplate: (template: Template) => invoke<void>("save_template", { template }),
  deleteTemplate: (name: string) => invoke<void>("delete_template", { name }),
  collectionTemplate: (name: string) => invoke<string | null>("collection_template", { name }),
  setCollectionTemplate: (collection: string, template: string | null) =>
    invoke<void>("set_collection_template", { collection, template }),
  exportTemplates: (path: string) => invoke<void>("export_templates", { path }),
  importTemplates: (path: string) => invoke<string[]>("import_templates", { path }),
  /** The standard terms a template field may map to: [prefixed name, meaning]. */
  templateTerms: () => invoke<[string, string][]>("template_terms"),
  /** An item's versions, oldest first (refused in the reading room). */
  itemHistory: (id: string) => invoke<Version[]>("item_history", { id }),
  /** Saves an earlier version again, as the newest. */
  restoreVersion: (id: string, version: number) => invoke<Item>("restore_version", { id, version }),
  /** The archive's operations, newest first. */
  activity: (since: string | null, user: string | null, kind: OperationKind | null) =>
    invoke<Operation[]>("activity", { since, user, kind }),
  revertPlan: (operation: number) => invoke<RevertPlan>("revert_plan", { operation }),
  revertOperation: (operation: number) => invoke<RevertPlan>("revert_operation", { operation }),
  shareBundle: (
    out: string,
    collection: string | null,
    since: string | null,
    includeRestricted: boolean,
    includeConsent: boolean,
    passphrase: string | null,
  ) => invoke<ShareReport>("share_bundle", { out, collection, since, includeRestricted, includeConsent, passphrase }),
  mergeBundle: (path: string, passphrase: string | null, dryRun: boolean) =>
    invoke<MergeReport>("merge_bundle", { path, passphrase, dryRun }),
  mergeConflicts: () => invoke<Conflict[]>("merge_conflicts"),
  resolveConflict: (id: number, choice: ConflictChoice) => invoke<Item>("resolve_conflict", { id, choice }),
  /** Sets or clears a place's coordinates; returns the ones it had (for undo). */
  locatePlace: (name: string, gps: Gps | null) => invoke<Gps | null>("locate_place", { name, gps }),
  listEvents: () => invoke<Event[]>("list_events"),
  listCollections: () => invoke<Collection[]>("list_collections"),
  addToCollection: (name: string, ids: string[]) => invoke<void>("add_to_collection", { name, ids }),
  createCollection: (name: string) => invoke<void>("create_collection", { name }),
  renameCollection: (from: string, to: string) => invoke<void>("rename_collection", { from, to }),
  removeFromCollection: (name: string, ids: string[]) => invoke<void>("remove_from_collection", { name, ids }),
  reorderCollection: (name: string, ids: string[]) => invoke<void>("reorder_collection", { name, ids }),
  addQuote: (quote: NewQuote) => invoke<Item>("add_quote", { quote }),
  quotesFrom: (id: string) => invoke<Item[]>("quotes_from", { id }),
  exportItems: (request: ExportRequest) => invoke<ExportOutcome>("export_items", { request }),
  defaultExportDir: () => invoke<string>("default_export_dir"),
  cite: (id: string, style: CitationStyle) => invoke<Citation>("cite", { id, style }),
  session: () => invoke<Session>("session"),
  openArchive: (path: string) => invoke<void>("open_archive", { path }),
  createArchive: (path: string, passphrase: string | null) => invoke<void>("create_archive", { path, passphrase }),
  unlockArchive: (passphrase: string) => invoke<void>("unlock_archive", { passphrase }),
  lockArchive: () => invoke<void>("lock_archive"),
  changePassphrase: (old: string, next: string) => invoke<void>("change_passphrase", { old, new: next }),
  /** The system's file or folder chooser, opened by the shell (refused in the reading room);
   * the chosen paths, none when cancelled. */
  choosePaths: (chooser: Chooser, title: string, defaultPath: string | null = null) =>
    invoke<string[]>("choose_paths", { chooser, title, defaultPath }),
  importPaths: (paths: string[]) => invoke<ImportReport>("import_paths", { paths }),
  cancelImport: () => invoke<void>("cancel_import"),
  /** The first results are on screen (the shell reports it only when asked: WALKOUT_REPORT_READY=1). */
  appReady: (start: { marks: [string, number][]; now: number }) => invoke<void>("app_ready", start),
};

/** The event that carries ImportProgress while an import runs (see src-tauri commands.rs). */
export const IMPORT_PROGRESS = "import-progress";
