/**
 * The top-level members of a JSON object text, in order and with repeated names kept. JSON.parse
 * keeps only the last value of a repeated name, while Slack's calling conventions take the first
 * occurrence in a source (spec §1.1); this walk sees them all. `text` must already be known to be
 * valid JSON holding an object (JSON.parse accepted it), so it checks nothing itself.
 */
export function jsonObjectMembers(text: string): [name: string, valueText: string][] {
  const members: [string, string][] = [];
  let at = skipSpace(text, 0) + 1;
  for (;;) {
    at = skipSpace(text, at);
    if (text[at] === '}') return members;
    const nameEnd = stringEnd(text, at);
    const name = JSON.parse(text.slice(at, nameEnd)) as string;
    const valueStart = skipSpace(text, skipSpace(text, nameEnd) + 1);
    const valueEnd = valueEndOf(text, valueStart);
    members.push([name, text.slice(valueStart, valueEnd)]);
    at = skipSpace(text, valueEnd);
    if (text[at] === ',') at++;
  }
}

function skipSpace(text: string, at: number): number {
  while (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r') at++;
  return at;
}

/** From an opening quote, the index just past its closing quote. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
  return at + 1;
}

function valueEndOf(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  let at = start;
  if (first === '{' || first === '[') {
    let depth = 0;
    do {
      const char = text[at];
      if (char === '"') {
        at = stringEnd(text, at);
        continue;
      }
      if (char === '{' || char === '[') depth++;
      else if (char === '}' || char === ']') depth--;
      at++;
    } while (depth > 0);
    return at;
  }
  while (at < text.length && !/[\s,}\]]/.test(text[at] as string)) at++;
  return at;
}
