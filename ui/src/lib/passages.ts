// Passages of an article's body: its paragraphs, and where saved quotes sit in them. The body
// is shown as stored (no typographic changes), so a selected passage is the record verbatim.

/** The body's paragraphs (blank lines separate them). */
export function paragraphsOf(body: string): string[] {
  return body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
}

/** Text with runs of white space made one space, for comparing passages. */
function flat(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The 1-based number of the paragraph that holds `passage` (or where it starts), else null. */
export function paragraphOf(paragraphs: string[], passage: string): number | null {
  const wanted = flat(passage);
  if (!wanted) return null;
  const whole = paragraphs.findIndex((p) => flat(p).includes(wanted));
  if (whole >= 0) return whole + 1;
  // A passage over several paragraphs: where its opening words are.
  const opening = wanted.split(" ").slice(0, 8).join(" ");
  const start = paragraphs.findIndex((p) => flat(p).includes(opening));
  return start >= 0 ? start + 1 : null;
}

export interface PassagePart {
  text: string;
  saved: boolean;
}

/** A paragraph cut into the runs that saved passages cover and the rest (in order). */
export function passageParts(paragraph: string, saved: string[]): PassagePart[] {
  const text = flat(paragraph);
  const spans: [number, number][] = [];
  for (const passage of saved) {
    const wanted = flat(passage);
    if (!wanted) continue;
    const at = text.indexOf(wanted);
    if (at >= 0) spans.push([at, at + wanted.length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const parts: PassagePart[] = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    if (from > at) parts.push({ text: text.slice(at, from), saved: false });
    parts.push({ text: text.slice(from, end), saved: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), saved: false });
  return parts;
}
