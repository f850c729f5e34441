import type { RiskRule, RiskSignal } from '../rule';

const BLOB_MIN = 4096;
const BULK_PII = 20;
const RECORD_LINES = 200;
const FILE_MARKERS = 5;

/** Longest run of base64/hex characters (line breaks allowed inside), a cheap single pass. */
function longestEncodedRun(text: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const encoded = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61 || c === 10 || c === 13 || c === 45 || c === 95;
    if (encoded) {
      if (++run > best) best = run;
    } else run = 0;
  }
  return best;
}

/** Lines that look like delimited records: at least three commas, tabs, semicolons or pipes. */
function recordLines(text: string): number {
  let lines = 0;
  let delimiters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 9 || c === 59 || c === 124) delimiters++;
    else if (c === 10) {
      if (delimiters >= 3) lines++;
      delimiters = 0;
    }
  }
  return delimiters >= 3 ? lines + 1 : lines;
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
      if (t.text.length >= BLOB_MIN) blob = Math.max(blob, longestEncodedRun(t.text));
      if (t.text.length > RECORD_LINES * 6) records += recordLines(t.text);
      fileMarkers += count(t.text, 'diff --git ') + count(t.text, '\n==> ') + count(t.text, '// File: ') + count(t.text, '# File: ');
      fileMarkers += Math.floor(count(t.text, '```') / 2) >= 8 ? 1 : 0;
    }
    if (blob >= BLOB_MIN) signals.push({ id: 'exfiltration.encoded_blob', points: 25, message: `contains an encoded blob of ${blob} characters` });
    if (records >= RECORD_LINES) signals.push({ id: 'exfiltration.bulk_records', points: 25, message: `contains ${records} delimited record lines` });
    const pii = findings.filter((f) => f.category === 'pii').length;
    if (pii >= BULK_PII) signals.push({ id: 'exfiltration.bulk_pii', points: 25, message: `contains ${pii} personal data values` });
    if (fileMarkers >= FILE_MARKERS) signals.push({ id: 'exfiltration.source_dump', points: 20, message: `looks like a dump of ${fileMarkers} source files` });
    return signals;
  },
};
