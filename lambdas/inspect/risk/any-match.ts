/**
 * Which of several regexes (none global or sticky) match somewhere in a text: what `regex.test`
 * tells for each, found in one search for all of them (a megabyte pasted into `airlock scan` is
 * searched once, not once per rule pattern). The regexes of one flag set are joined as
 * alternatives; where one matches, the search starts again at that position without it: no other
 * can match further left.
 */
export function matchingRegexes(text: string, regexes: readonly RegExp[]): Set<RegExp> {
  // A short text is searched as fast once per regex, without joining them.
  if (text.length < JOIN_FROM || regexes.length < 2) return new Set(regexes.filter((r) => r.test(text)));
  const found = new Set<RegExp>();
  const byFlags = new Map<string, RegExp[]>();
  for (const regex of regexes) {
    const flags = regex.flags.replace(/[gy]/g, '');
    (byFlags.get(flags) ?? byFlags.set(flags, []).get(flags)!).push(regex);
  }
  for (const [flags, group] of byFlags) {
    let rest = group;
    let from = 0;
    while (rest.length) {
      const { regex, order } = alternation(rest, flags);
      regex.lastIndex = from;
      const m = regex.exec(text);
      if (!m) break;
      const hit = rest[order[order.findIndex((_, k) => m.groups![`p${k}`] !== undefined)]!]!;
      found.add(hit);
      from = m.index;
      rest = rest.filter((r) => r !== hit);
    }
  }
  return found;
}

/** Texts this long are searched once for all the regexes. */
const JOIN_FROM = 1 << 16;

const compiled = new Map<string, { regex: RegExp; order: number[] }>();

/**
 * The regexes as one: alternative `p<k>` is regexes[order[k]]. Those that start with `\b` and have
 * no `|` at their top level share one `\b` in front (the engine then checks it once per position
 * instead of once per alternative).
 */
function alternation(regexes: readonly RegExp[], flags: string): { regex: RegExp; order: number[] } {
  const key = `${flags}\u0000${regexes.map((r) => r.source).join('\u0000')}`;
  let entry = compiled.get(key);
  if (!entry) {
    const sources = regexes.map((r) => r.source);
    for (const source of sources) if (/\\[1-9k]|\(\?<[^=!]/.test(source)) throw new Error(`cannot join a regex with backreferences or named groups: /${source}/`);
    const isBounded = (source: string) => source.startsWith('\\b') && oneAlternative(source);
    const order = [...sources.keys()].sort((a, b) => Number(isBounded(sources[b]!)) - Number(isBounded(sources[a]!)));
    const bounded = order.filter((i) => isBounded(sources[i]!));
    const named = (i: number, source: string) => `(?<p${order.indexOf(i)}>${source})`;
    const parts = [
      ...(bounded.length ? [`\\b(?:${bounded.map((i) => named(i, sources[i]!.slice(2))).join('|')})`] : []),
      ...order.filter((i) => !bounded.includes(i)).map((i) => named(i, sources[i]!)),
    ];
    entry = { regex: new RegExp(parts.join('|'), `${flags}g`), order };
    if (compiled.size > 256) compiled.clear();
    compiled.set(key, entry);
  }
  return entry;
}

/** Whether a regex source has no `|` outside its groups and character classes. */
function oneAlternative(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return false;
  }
  return true;
}
