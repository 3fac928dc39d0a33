// Moments of a start, for the launch benchmark (scripts/app_bench.sh): the shell prints them
// beside its own steps when asked to (WALKOUT_REPORT_READY=1), else they are never sent.
const marks: [string, number][] = [];

/** Notes that the start reached `name`, now. */
export function mark(name: string): void {
  marks.push([name, performance.now()]);
}

/** Notes `name` the first time it is reached only (a step that repeats, such as a search). */
export function markOnce(name: string): void {
  if (!marks.some(([seen]) => seen === name)) mark(name);
}

/** The marks so far, and the clock they are on (ms since the page started loading). */
export function marksNow(): { marks: [string, number][]; now: number } {
  return { marks: [...marks], now: performance.now() };
}
