// What the library shows: the search request built from the search field, the sidebar and the
// filter chips, and the results, loaded a page at a time as the list scrolls (an archive may
// hold 100k items; only the visible pages are ever fetched).
import { ipc, asAppError } from "./ipc";
import { archive } from "./archive.svelte";
import { markOnce } from "./marks";
import type { AppError, ItemKind, SearchHit, SearchRequest, SearchResults, SortOrder } from "./ipc";

export const PAGE_SIZE = 60;
/** How long typing pauses before the search runs. */
export const TYPING_DELAY_MS = 120;

export type Facets = SearchResults["facets"];
export type BrowseKind = "tags" | "people" | "places" | "events";
/** How photos are shown: a grid of thumbnails grouped by date and place, or the result list. */
export type Layout = "grid" | "list";

/** What the list column shows. */
export type View =
  | { kind: "library" }
  | { kind: "collection"; name: string }
  | { kind: "browse"; what: BrowseKind }
  /** The archive's edit history: operations, and reverting one. */
  | { kind: "activity" };

export interface Filters {
  kind: ItemKind | null;
  tag: string | null;
  year: number | null;
  place: string | null;
  speaker: string | null;
  /** One event's items (clicked on the timeline). */
  event: string | null;
  /** Template fields' values (choice chips), by field key. */
  custom: Record<string, string>;
  /** A date range: items whose date overlaps it (EDTF dates, either end open). */
  from: string | null;
  to: string | null;
}

export const noFilters = (): Filters => ({
  kind: null,
  tag: null,
  year: null,
  place: null,
  speaker: null,
  event: null,
  custom: {},
  from: null,
  to: null,
});

class Library {
  query = $state("");
  view = $state<View>({ kind: "library" });
  filters = $state<Filters>(noFilters());
  sort = $state<SortOrder>("relevance");
  readingRoom = $state(false);
  photoLayout = $state<Layout>("grid");
  /** The timeline or the map, above the results (or neither). */
  overview = $state<"timeline" | "map" | null>(null);

  /** The results of the last finished search (its first page and facets). */
  total = $state(0);
  facets = $state<Facets>({});
  corrected = $state<SearchResults["corrected"]>([]);
  /** The query the shown results answer (the field may already hold newer words). */
  answeredQuery = $state("");
  hiddenByReadingRoom = $state(0);
  loading = $state(false);
  /** A search waits for its delay (typing) before it runs. */
  #waiting = $state(false);
  error = $state<AppError | null>(null);
  /** Loaded pages by page number; replaced (not mutated) so the list re-renders. */
  pages = $state.raw<Map<number, SearchHit[]>>(new Map());
  /** Bumped when a new search replaced the results (the list scrolls back to the top). */
  version = $state(0);

  selectedId = $state<string | null>(null);
  selectedIndex = $state(-1);
  /** Items picked together for a bulk edit (Ctrl+click, Shift+click, Shift+arrows, Ctrl+A):
   * empty while one item is selected. Replaced, not mutated, so views follow it. */
  marked = $state.raw<ReadonlySet<string>>(new Set());
  /** Where a Shift range starts. */
  #anchor = -1;
  /** The article open in the reader (it then takes the list's and the detail pane's place). */
  reading = $state<string | null>(null);
  /** The item saved last (a new quote), so views that show it can load again. */
  lastSaved = $state<string | null>(null);

  #generation = 0;
  #pending = new Set<number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** The request for the current words and filters. Facets are counted for a new search
   * only (`facets`), not for the pages fetched while scrolling. */
  request(offset = 0, limit = PAGE_SIZE, facets = offset === 0): SearchRequest {
    const f = this.filters;
    return {
      query: this.query.trim(),
      kinds: f.kind ? [f.kind] : [],
      tags: f.tag ? [f.tag] : [],
      collection: this.view.kind === "collection" ? this.view.name : null,
      speaker: f.speaker,
      place: f.place,
      event: f.event,
      custom: f.custom,
      year: f.year,
      from: f.from,
      to: f.to,
      max_sensitivity: this.readingRoom ? "public" : null,
      // The grid groups photos by date, so it shows them newest first.
      sort: this.showsGrid ? "date_desc" : this.sort,
      offset,
      limit,
      facets,
    };
  }

  /** Runs the search after `delay` ms; a newer call replaces a waiting one. */
  schedule(delay = 0): void {
    // Other words or filters: a bulk selection of the results before no longer applies.
    this.clearMarks();
    clearTimeout(this.#timer);
    this.#waiting = true;
    this.#timer = setTimeout(() => {
      this.#waiting = false;
      void this.refresh();
    }, delay);
  }

  /** The results on screen are about to change: a search waits or runs (the lists say so
   * with aria-busy, for assistive technology and for the end-to-end tests). */
  get busy(): boolean {
    return this.loading || this.#waiting;
  }

  /** Searches from the first page, keeping the selection when the item is still there. */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.#pending.clear();
    this.loading = true;
    const order = this.collectionOrder;
    // A collection in its own order comes whole, to be put in that order.
    const request = order ? this.request(0, Math.max(PAGE_SIZE, order.length)) : this.request();
    try {
      const results = await ipc.search(request);
      // The launch's first answer from the archive, before it is rendered (app_bench's steps).
      markOnce("answer");
      if (order) {
        const position = new Map(order.map((id, i) => [id, i]));
        results.hits.sort((a, b) => (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity));
      }
      let hidden = 0;
      if (this.readingRoom) {
        const all = await ipc.search({ ...request, max_sensitivity: null, offset: 0, limit: 1, facets: false });
        hidden = Math.max(0, all.total - results.total);
      }
      if (generation !== this.#generation) return;
      this.total = results.total;
      this.facets = results.facets;
      this.corrected = results.corrected;
      this.answeredQuery = request.query;
      this.hiddenByReadingRoom = hidden;
      const pages = new Map<number, SearchHit[]>();
      for (let at = 0; at === 0 || at < results.hits.length; at += PAGE_SIZE) {
        pages.set(at / PAGE_SIZE, results.hits.slice(at, at + PAGE_SIZE));
      }
      this.pages = pages;
      this.version += 1;
      this.error = null;
      // The detail pane keeps showing a selected item that this search does not find.
      this.selectedIndex = results.hits.findIndex((hit) => hit.id === this.selectedId);
    } catch (e) {
      if (generation === this.#generation) this.error = asAppError(e);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** The hit at `index`, starting to load its page when it is not there yet. */
  hitAt(index: number): SearchHit | undefined {
    const page = Math.floor(index / PAGE_SIZE);
    const hits = this.pages.get(page);
    if (!hits) {
      void this.#loadPage(page);
      return undefined;
    }
    return hits[index - page * PAGE_SIZE];
  }

  async #loadPage(page: number): Promise<void> {
    if (this.#pending.has(page)) return;
    this.#pending.add(page);
    const generation = this.#generation;
    try {
      const results = await ipc.search(this.request(page * PAGE_SIZE, PAGE_SIZE));
      if (generation !== this.#generation) return;
      const pages = new Map(this.pages);
      pages.set(page, results.hits);
      this.pages = pages;
    } catch (e) {
      if (generation === this.#generation) this.error = asAppError(e);
    } finally {
      this.#pending.delete(page);
    }
  }

  select(index: number): void {
    const hit = this.hitAt(index);
    this.selectedIndex = index;
    if (hit) this.selectedId = hit.id;
  }

  /** The items a bulk action applies to: the marked ones, else the selected one. */
  get picked(): string[] {
    if (this.marked.size > 0) return [...this.marked];
    return this.selectedId ? [this.selectedId] : [];
  }

  /** A click on the row at `index`: alone, toggled into the selection (Ctrl), or the range
   * from the last clicked row (Shift). */
  pick(index: number, how: "one" | "toggle" | "range"): void {
    const hit = this.hitAt(index);
    if (!hit) return;
    if (how === "one") {
      this.clearMarks();
      this.#anchor = index;
      this.select(index);
    } else if (how === "toggle") {
      const next = new Set(this.marked);
      if (next.size === 0 && this.selectedId) next.add(this.selectedId);
      if (next.has(hit.id) && next.size > 1) next.delete(hit.id);
      else next.add(hit.id);
      this.#anchor = index;
      this.marked = next.size > 1 ? next : new Set();
      this.select(index);
    } else {
      const from = this.#anchor >= 0 ? this.#anchor : Math.max(0, this.selectedIndex);
      const [low, high] = from <= index ? [from, index] : [index, from];
      const next = new Set<string>();
      for (let at = low; at <= high; at++) {
        const inRange = this.hitAt(at);
        if (inRange) next.add(inRange.id);
      }
      if (this.#anchor < 0) this.#anchor = from;
      this.marked = next.size > 1 ? next : new Set();
      this.select(index);
    }
  }

  /** Marks every result of the search (all pages, not only those loaded). */
  async markAll(): Promise<void> {
    if (this.total < 2) return;
    try {
      this.marked = new Set(await ipc.searchIds(this.request()));
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  /** The keys a list and the grid share for a bulk selection: Ctrl+A picks every result, Esc
   * drops the pick. True when `e` was one of them (and is handled). */
  selectionKey(e: KeyboardEvent): boolean {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "a") {
      e.preventDefault();
      void this.markAll();
      return true;
    }
    if (e.key === "Escape" && this.marked.size > 0) {
      e.preventDefault();
      this.clearMarks();
      return true;
    }
    return false;
  }

  clearMarks(): void {
    if (this.marked.size > 0) this.marked = new Set();
    this.#anchor = -1;
  }

  setFilter<K extends keyof Filters>(key: K, value: Filters[K]): void {
    this.filters = { ...this.filters, [key]: value };
    this.schedule();
  }

  /** Sets (or, with null, removes) a template field's value as a filter. */
  setCustom(key: string, value: string | null): void {
    const custom = { ...this.filters.custom };
    if (value === null) delete custom[key];
    else custom[key] = value;
    this.filters = { ...this.filters, custom };
    this.schedule();
  }

  /** Sets both ends of the date range at once (null leaves an end open). */
  setDates(from: string | null, to: string | null): void {
    this.filters = { ...this.filters, from, to };
    this.schedule();
  }

  clearFilters(): void {
    this.filters = noFilters();
    this.schedule();
  }

  /** The item ids of the shown collection when the list follows its order (no words, no other
   * sort), else null. */
  get collectionOrder(): string[] | null {
    if (this.view.kind !== "collection" || this.query.trim() || this.sort !== "relevance") return null;
    const name = this.view.name;
    return archive.collections.find((c) => c.name === name)?.items ?? [];
  }

  /** Moves the selected item of the shown collection up or down by one. */
  async moveInCollection(by: -1 | 1): Promise<void> {
    const order = this.collectionOrder;
    const id = this.selectedId;
    if (!order || !id || this.view.kind !== "collection") return;
    const at = order.indexOf(id);
    const to = at + by;
    if (at < 0 || to < 0 || to >= order.length) return;
    const next = [...order];
    [next[at], next[to]] = [next[to], next[at]];
    try {
      await ipc.reorderCollection(this.view.name, next);
      await archive.load();
      await this.refresh();
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  /** Starts over on another archive: the whole library, nothing selected. */
  reset(): void {
    this.reading = null;
    this.query = "";
    this.filters = noFilters();
    this.view = { kind: "library" };
    this.selectedId = null;
    this.selectedIndex = -1;
    this.clearMarks();
    void this.refresh();
  }

  /** Whether the list column shows the photo grid. */
  get showsGrid(): boolean {
    return this.view.kind !== "browse" && this.filters.kind === "photo" && this.photoLayout === "grid";
  }

  setPhotoLayout(layout: Layout): void {
    if (layout === this.photoLayout) return;
    this.photoLayout = layout;
    this.schedule();
  }

  /** The hits loaded so far from the first one on, without gaps (what the grid shows). */
  loadedHits(): SearchHit[] {
    const hits: SearchHit[] = [];
    for (let page = 0; this.pages.has(page); page++) hits.push(...(this.pages.get(page) ?? []));
    return hits;
  }

  /** Starts loading the page after the loaded ones, when there is one. */
  loadMore(): void {
    const loaded = this.loadedHits().length;
    if (loaded < this.total) this.hitAt(loaded);
  }

  get hasFilters(): boolean {
    const f = this.filters;
    return (
      f.kind !== null ||
      f.tag !== null ||
      f.year !== null ||
      f.place !== null ||
      f.speaker !== null ||
      f.event !== null ||
      Object.keys(f.custom).length > 0 ||
      f.from !== null ||
      f.to !== null
    );
  }

  show(view: View, kind: ItemKind | null = null): void {
    this.reading = null;
    this.view = view;
    if (view.kind !== "browse" && view.kind !== "activity") {
      this.filters = { ...this.filters, kind };
      this.schedule();
    }
  }
}

export const library = new Library();
