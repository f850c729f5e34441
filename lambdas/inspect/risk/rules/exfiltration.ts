import type { RiskRule, RiskSignal } from '../rule';

const BLOB_MIN = 4096;
const BULK_PII = 20;
const RECORD_LINES = 200;
const FILE_MARKERS = 5;

/** 1 for characters of base64, base64url and hex (and line breaks inside such blobs). */
const ENCODED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_\r\n') ENCODED[c.charCodeAt(0)] = 1;
/** 1 for record delimiters: comma, tab, semicolon, pipe. */
const DELIMITER = new Uint8Array(128);
for (const c of ',\t;|') DELIMITER[c.charCodeAt(0)] = 1;

/** One pass: the longest encoded run and the number of lines with three or more delimiters. */
function shape(text: string): { longestRun: number; recordLines: number } {
  let longestRun = 0;
  let run = 0;
  let recordLines = 0;
  let delimiters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && ENCODED[c] === 1) {
      if (++run > longestRun) longestRun = run;
    } else run = 0;
    if (c === 10) {
      if (delimiters >= 3) recordLines++;
      delimiters = 0;
    } else if (c < 128 && DELIMITER[c] === 1) delimiters++;
  }
  if (delimiters >= 3) recordLines++;
  return { longestRun, recordLines };
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Shapes of data leaving in bulk: large encoded blobs, many records or PII values, dumps of source files. */
export const exfiltrationRule: RiskRule = {
  id: 'exfiltration',
  evaluate({ texts, findings }) {
    const signals: RiskSignal[] = [];
    let blob = 0;
    let records = 0;
    let fileMarkers = 0;
    for (const t of texts) {
      if (t.kind === 'tool_definition') continue;
      if (t.text.length >= BLOB_MIN) {
        const s = shape(t.text);
        blob = Math.max(blob, s.longestRun);
        records += s.recordLines;
      }
      fileMarkers += count(t.text, 'diff --git ') + count(t.text, '\n==> ') + count(t.lower, '// file: ') + count(t.lower, '# file: ');
      if (count(t.text, '```') >= 16) fileMarkers++;
    }
    if (blob >= BLOB_MIN) signals.push({ id: 'exfiltration.encoded_blob', points: 25, message: `contains an encoded blob of ${blob} characters` });
    if (records >= RECORD_LINES) signals.push({ id: 'exfiltration.bulk_records', points: 25, message: `contains ${records} delimited record lines` });
    const pii = findings.filter((f) => f.category === 'pii').length;
    if (pii >= BULK_PII) signals.push({ id: 'exfiltration.bulk_pii', points: 25, message: `contains ${pii} personal data values` });
    if (fileMarkers >= FILE_MARKERS) signals.push({ id: 'exfiltration.source_dump', points: 20, message: `looks like a dump of ${fileMarkers} source files` });
    return signals;
  },
};
