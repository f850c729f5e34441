import { readingRule, type RiskRule, type RiskSignal } from '../rule';

const BLOB_MIN = 4096;
const BULK_PII = 20;
const RECORD_LINES = 200;
const FILE_MARKERS = 5;
/** Shorter than any window of a text read in windows but the last (risk/text-stream.ts). */
const LONG_TEXT = 1 << 16;

/** 1 for characters of base64, base64url and hex (and line breaks inside such blobs). */
const ENCODED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_\r\n') ENCODED[c.charCodeAt(0)] = 1;
/** 1 for record delimiters: comma, tab, semicolon, pipe. */
const DELIMITER = new Uint8Array(128);
for (const c of ',\t;|') DELIMITER[c.charCodeAt(0)] = 1;

/** A character of base64, base64url or hex, or a line break (inside such blobs). */
export const isEncoded = (c: number): boolean => c < 128 && ENCODED[c] === 1;

/**
 * The longest encoded run of at least BLOB_MIN characters, else 0. Any such run covers a multiple
 * of BLOB_MIN / 2, so probing those positions and growing from them is enough: ordinary text costs
 * a handful of probes instead of a pass over every character.
 */
function longestBlob(text: string): number {
  let best = 0;
  let coveredTo = -1;
  for (let probe = BLOB_MIN / 2; probe < text.length; probe += BLOB_MIN / 2) {
    if (probe < coveredTo || !isEncoded(text.charCodeAt(probe))) continue;
    let start = probe;
    while (start > 0 && isEncoded(text.charCodeAt(start - 1))) start--;
    let end = probe;
    while (end < text.length && isEncoded(text.charCodeAt(end))) end++;
    coveredTo = end;
    best = Math.max(best, end - start);
  }
  return best >= BLOB_MIN ? best : 0;
}

/** The line breaks of a text, and its lines with three or more delimiters. */
function lineCounts(text: string): { breaks: number; records: number } {
  let breaks = 0;
  let records = 0;
  let delimiters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      breaks++;
      if (delimiters >= 3) records++;
      delimiters = 0;
    } else if (c < 128 && DELIMITER[c] === 1) delimiters++;
  }
  return { breaks, records: delimiters >= 3 ? records + 1 : records };
}

/** `// file: ` and `# file: ` in any case (a case-insensitive regex matches no character outside ASCII to an ASCII one). */
const FILE_HEADER = /\/\/ file: |# file: /gi;

function matches(text: string, regex: RegExp): number {
  let n = 0;
  regex.lastIndex = 0;
  while (regex.exec(text)) n++;
  return n;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Shapes of data leaving in bulk: large encoded blobs, many records or PII values, dumps of source files. */
export const exfiltrationRule: RiskRule = readingRule({
  id: 'exfiltration',
  signals: ['exfiltration.encoded_blob', 'exfiltration.bulk_records', 'exfiltration.bulk_pii', 'exfiltration.source_dump'],
  reader() {
    let blob = 0;
    let records = 0;
    let fileMarkers = 0;
    // Of the text being read (several windows when `continued`): its lines, record lines and code fences.
    let lines = 0;
    let textRecords = 0;
    let fences = 0;
    const endText = () => {
      // Only texts with enough lines count their record lines at all.
      if (lines >= RECORD_LINES - 1) records += textRecords;
      if (fences >= 16) fileMarkers++;
      lines = textRecords = fences = 0;
    };
    return {
      read(t) {
        if (t.kind === 'tool_definition') return;
        if (!t.continued) endText();
        if (t.text.length >= BLOB_MIN) blob = Math.max(blob, longestBlob(t.text));
        // A short text with few lines cannot reach the bar: it skips the per-character pass. A long
        // one may be the first window of a longer text (text-stream.ts), whose lines are not all in yet.
        const breaks = t.continued || t.text.length >= LONG_TEXT ? undefined : count(t.text, '\n');
        if (breaks !== undefined && breaks < RECORD_LINES - 1) lines += breaks;
        else {
          const counted = lineCounts(t.text);
          lines += counted.breaks;
          textRecords += counted.records;
        }
        fileMarkers += count(t.text, 'diff --git ') + count(t.text, '\n==> ') + matches(t.text, FILE_HEADER);
        fences += count(t.text, '```');
      },
      signals({ findings }) {
        endText();
        const signals: RiskSignal[] = [];
        if (blob >= BLOB_MIN) signals.push({ id: 'exfiltration.encoded_blob', points: 25, message: `contains an encoded blob of ${blob} characters` });
        if (records >= RECORD_LINES) signals.push({ id: 'exfiltration.bulk_records', points: 25, message: `contains ${records} delimited record lines` });
        const pii = findings.filter((f) => f.category === 'pii').length;
        if (pii >= BULK_PII) signals.push({ id: 'exfiltration.bulk_pii', points: 25, message: `contains ${pii} personal data values` });
        if (fileMarkers >= FILE_MARKERS) signals.push({ id: 'exfiltration.source_dump', points: 20, message: `looks like a dump of ${fileMarkers} source files` });
        return signals;
      },
    };
  },
});
