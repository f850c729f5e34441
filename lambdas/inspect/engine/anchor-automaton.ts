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
  const width = classes;

  // The trie in typed arrays (built once per inspector, at start-up: plain arrays cost milliseconds
  // there), -1 for a missing edge. It has at most one state per anchor character, plus the root.
  let capacity = 1;
  for (const a of anchors) capacity += a.text.length;
  const edges = new Int32Array(capacity * width).fill(-1);
  const ends: number[][] = [[]];
  let states = 1;
  anchors.forEach((a, index) => {
    let s = 0;
    for (let i = 0; i < a.text.length; i++) {
      const k = classOf[fold(a.text.charCodeAt(i))]!;
      let next = edges[s * width + k]!;
      if (next < 0) {
        next = states++;
        edges[s * width + k] = next;
        ends.push([]);
      }
      s = next;
    }
    ends[s]!.push(index);
  });

  // Breadth first: failure links, then every missing edge filled from the failure state, so the
  // scan never follows a failure link. A state's output includes its failure state's.
  const failure = new Int32Array(states);
  const queue = new Int32Array(states);
  let tail = 0;
  for (let k = 0; k < width; k++) {
    const next = edges[k]!;
    if (next < 0) edges[k] = 0;
    else queue[tail++] = next;
  }
  for (let head = 0; head < tail; head++) {
    const s = queue[head]!;
    const f = failure[s]!;
    if (ends[f]!.length) ends[s]!.push(...ends[f]!);
    const row = s * width;
    const failureRow = f * width;
    for (let k = 0; k < width; k++) {
      const next = edges[row + k]!;
      if (next < 0) edges[row + k] = edges[failureRow + k]!;
      else {
        failure[next] = edges[failureRow + k]!;
        queue[tail++] = next;
      }
    }
  }

  // A transition holds the next state's row offset (state × width: one addition per character),
  // bit-inverted (negative) when that state ends an anchor, so the common case is one sign test.
  // A state's outputs are outputs[outputAt[state] .. outputAt[state + 1]).
  const delta = new Int32Array(states * width);
  for (let i = 0; i < delta.length; i++) {
    const next = edges[i]!;
    delta[i] = ends[next]!.length ? ~(next * width) : next * width;
  }
  const outputAt = new Int32Array(states + 1);
  for (let s = 0; s < states; s++) outputAt[s + 1] = outputAt[s]! + ends[s]!.length;
  const outputs = new Int32Array(outputAt[states]!);
  for (let s = 0; s < states; s++) outputs.set(ends[s]!, outputAt[s]!);
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
        const state = row / width;
        for (let o = outputAt[state]!, last = outputAt[state + 1]!; o < last; o++) {
          const anchor = outputs[o]!;
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
