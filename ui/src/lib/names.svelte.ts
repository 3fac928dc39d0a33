// The names the archive already knows (tags, people, places, events), offered as suggestions
// where a field takes one: a name picked from the list is spelled as the archive spells it, and
// a new one is created on save.
import { ipc } from "./ipc";

class Names {
  tags = $state.raw<string[]>([]);
  people = $state.raw<string[]>([]);
  places = $state.raw<string[]>([]);
  events = $state.raw<string[]>([]);

  /** Loads them again (when a form opens: an edit elsewhere may have added names). */
  async load(): Promise<void> {
    const byUse = <T extends { name: string; items: number }>(list: T[]) =>
      [...list].sort((a, b) => b.items - a.items || a.name.localeCompare(b.name)).map((entry) => entry.name);
    try {
      const [tags, people, places, events] = await Promise.all([
        ipc.listTags(),
        ipc.listPeople(),
        ipc.listPlaces(),
        ipc.listEvents(),
      ]);
      this.tags = byUse(tags);
      this.people = byUse(people);
      this.places = byUse(places);
      this.events = byUse(events);
    } catch {
      // Suggestions are a help, not a need: the fields still take any name.
    }
  }
}

export const names = new Names();

/** Suggestions for a comma-separated list being typed: the known names not in it yet, each
 * completing the list (a datalist offers whole values, so each option is the whole field). */
export function listSuggestions(value: string, known: string[], max = 50): string[] {
  const parts = value.split(",");
  const typed = (parts.pop() ?? "").trim().toLowerCase();
  const kept = parts.map((p) => p.trim()).filter(Boolean);
  const have = new Set(kept.map((p) => p.toLowerCase()));
  const prefix = kept.length > 0 ? `${kept.join(", ")}, ` : "";
  return known
    .filter((name) => !have.has(name.toLowerCase()) && name.toLowerCase().includes(typed))
    .slice(0, max)
    .map((name) => prefix + name);
}
