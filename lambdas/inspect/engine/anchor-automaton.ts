/**
 * An Aho–Corasick automaton over ASCII anchors: one pass over a text finds every anchor at every
 * position with one table lookup per character, however many anchors there are. Regex
 * alternations over the same anchors cost several times more, and each extra alternation is
 * another pass over the text.
 *
 * The automaton reads letters case-folded, so case-insensitive and case-sensitive anchors share it:
 * a case-sensitive anchor's hit is confirmed against the text itself (hits are rare, the check is
 * a `startsWith`). Characters outside ASCII appear in no anchor and reset the automaton.
 */
export interface AnchorSpec {
  readonly text: string;
  readonly ignoreCase: boolean;
}

export interface AnchorAutomaton {
  /**
   * Calls `onHit(anchor, at)` for each occurrence of an anchor (its index in the list given to
   * `anchorAutomaton`) starting in [from, to), in the order the occurrences end.
   */
  scan(text: string, from: number, to: number, onHit: (anchor: number, at: number) => void): void;
}

const isAscii = (s: string): boolean => ![...s].some((c) => c.charCodeAt(0) > 127);
const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

/** Anchors the automaton can take: non-empty and ASCII (others need a regex pass). */
export const automatonAccepts = (anchor: string): boolean => anchor.length > 0 && isAscii(anchor);

export function anchorAutomaton(anchors: readonly AnchorSpec[]): AnchorAutomaton {
  for (const a of anchors) if (!automatonAccepts(a.text)) throw new Error(`anchor not accepted by the automaton: ${JSON.stringify(a.text)}`);

  // Character classes: every folded character some anchor uses gets one; class 0 is all the rest.
  const classOf = new Uint8Array(128);
  let classes = 1;
  for (const a of anchors) {
    for (let i = 0; i < a.text.length; i++) {
      const c = fold(a.text.charCodeAt(i));
      if (classOf[c] === 0) classOf[c] = classes++;
    }
  }
  for (let c = 65; c <= 90; c++) classOf[c] = classOf[c + 32]!;

  // The trie, with -1 for a missing edge.
  const edges: number[] = new Array<number>(classes).fill(-1);
  const ends: number[][] = [[]];
  let states = 1;
  anchors.forEach((a, index) => {
    let s = 0;
    for (let i = 0; i < a.text.length; i++) {
      const k = classOf[fold(a.text.charCodeAt(i))]!;
      let next = edges[s * classes + k]!;
      if (next < 0) {
        next = states++;
        edges[s * classes + k] = next;
        for (let j = 0; j < classes; j++) edges.push(-1);
        ends.push([]);
      }
      s = next;
    }
    ends[s]!.push(index);
  });

  // Breadth first: failure links, then every missing edge filled from the failure state, so the
  // scan never follows a failure link. A state's output includes its failure state's.
  const failure = new Int32Array(states);
  const queue: number[] = [];
  for (let k = 0; k < classes; k++) {
    const next = edges[k]!;
    if (next < 0) edges[k] = 0;
    else queue.push(next);
  }
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    ends[s]!.push(...ends[failure[s]!]!);
    for (let k = 0; k < classes; k++) {
      const next = edges[s * classes + k]!;
      if (next < 0) edges[s * classes + k] = edges[failure[s]! * classes + k]!;
      else {
        failure[next] = edges[failure[s]! * classes + k]!;
        queue.push(next);
      }
    }
  }

  // A transition holds the next state's row offset (state × width: one addition per character),
  // bit-inverted (negative) when that state ends an anchor, so the common case is one sign test.
  const width = classes;
  const delta = Int32Array.from(edges, (next) => (ends[next]!.length ? ~(next * width) : next * width));
  const outputs = ends.map((list) => Int32Array.from(list));
  const lengths = anchors.map((a) => a.text.length);
  const longest = Math.max(...lengths);
  const exact = anchors.map((a) => (a.ignoreCase || a.text.toLowerCase() === a.text.toUpperCase() ? undefined : a.text));

  return {
    scan(text, from, to, onHit) {
      let row = 0;
      const n = Math.min(text.length, to + longest - 1);
      for (let i = from; i < n; i++) {
        const c = text.charCodeAt(i);
        row = delta[row + (c < 128 ? classOf[c]! : 0)]!;
        if (row >= 0) continue;
        row = ~row;
        const out = outputs[row / width]!;
        for (let o = 0; o < out.length; o++) {
          const anchor = out[o]!;
          const at = i - lengths[anchor]! + 1;
          if (at >= to) continue;
          const mustEqual = exact[anchor];
          if (mustEqual !== undefined && !text.startsWith(mustEqual, at)) continue;
          onHit(anchor, at);
        }
      }
    },
  };
}
