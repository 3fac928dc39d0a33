// The archive's templates, loaded once and again after a change: the item editor shows a
// template's fields, the item view their labels, the filter chips the choice fields.
import { ipc } from "./ipc";
import type { Template, TemplateField } from "./ipc";

class Templates {
  list = $state<Template[]>([]);
  /** Bumped when a template was saved or deleted. */
  version = $state(0);

  async load(): Promise<void> {
    try {
      this.list = await ipc.listTemplates();
    } catch {
      this.list = [];
    }
  }

  named(name: string | null | undefined): Template | undefined {
    if (!name) return undefined;
    const key = name.trim().toLowerCase();
    return this.list.find((t) => t.name.trim().toLowerCase() === key);
  }

  /** Every choice field, once per key, with its template. */
  get choiceFields(): TemplateField[] {
    const seen = new Map<string, TemplateField>();
    for (const t of this.list) for (const f of t.fields) if (f.type === "choice" && !seen.has(f.key)) seen.set(f.key, f);
    return [...seen.values()];
  }

  /** A field's label, by key, from any template. */
  label(key: string): string {
    for (const t of this.list) {
      const f = t.fields.find((f) => f.key === key);
      if (f) return f.label;
    }
    return key.replaceAll("_", " ");
  }
}

export const templates = new Templates();
