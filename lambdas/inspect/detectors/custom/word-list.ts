import type { Detector } from '../detector';

/** Policy word lists (project code names, customer names): whole words, any case. */
export function wordList(type: string, words: readonly string[]): Detector {
  const list = [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))];
  const longest = Math.max(...list.map((w) => w.length));
  const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
  return {
    type,
    category: 'custom',
    priority: 55,
    anchors: list,
    ignoreCase: true,
    reach: { before: 1, after: longest + 1 },
    detect(text, at) {
      if (isWord(text[at - 1])) return null;
      let best = 0;
      for (const w of list) {
        if (w.length > best && text.slice(at, at + w.length).toLowerCase() === w && !isWord(text[at + w.length])) best = w.length;
      }
      return best ? { start: at, end: at + best } : null;
    },
  };
}
