// Turning the engine's strings into what the window shows, without ever inserting HTML.

/** A piece of a snippet: plain text, or a search hit to wrap in <mark>. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'", "#x27": "'" };

function unescape(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|apos|#39|#x27);/g, (_, name: string) => ENTITIES[name]);
}

/**
 * Splits the engine's snippet (HTML-escaped text whose only tags are <mark>…</mark>) into
 * parts that the template renders as text nodes. Nothing in it is ever parsed as HTML.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const pattern = /<mark>([\s\S]*?)<\/mark>/g;
  let at = 0;
  for (const match of snippet.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > at) parts.push({ text: unescape(snippet.slice(at, index)), hit: false });
    parts.push({ text: unescape(match[1]), hit: true });
    at = index + match[0].length;
  }
  if (at < snippet.length) parts.push({ text: unescape(snippet.slice(at)), hit: false });
  return parts;
}

/** Typographic apostrophes and quotes for display; the stored text keeps its own characters. */
export function typographic(text: string): string {
  return text
    .replace(/(\w)'(\w)/g, "$1\u2019$2")
    .replace(/(^|[\s(\[])"/g, "$1\u201c")
    .replace(/"/g, "\u201d")
    .replace(/(^|[\s(\[])'/g, "$1\u2018")
    .replace(/'/g, "\u2019");
}

/** A quote as lists and the detail pane show it: in curly quotes. */
export function quoted(text: string): string {
  const inner = typographic(text.trim()).replace(/^[\u201c"]|[\u201d"]$/g, "");
  return `\u201c${inner}\u201d`;
}

/** The first characters of an id, enough to tell items apart on screen. */
export function shortId(id: string): string {
  return id.replace(/-/g, "").slice(-8);
}

/** The last parts of a path, so a long one stays readable in one line. */
export function pathTail(path: string, parts = 3): string {
  const pieces = path.split(/[\\/]/).filter(Boolean);
  return pieces.length <= parts ? path : `…/${pieces.slice(-parts).join("/")}`;
}
