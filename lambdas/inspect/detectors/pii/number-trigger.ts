/**
 * Where a number-shaped PII value (card, SSN, phone) can start: a digit, `+` or `(` that does not
 * continue a word, a decimal or a path, followed by at least eight more number-ish characters.
 * Detectors sharing this exact regex are served by one scan.
 */
export const NUMBER_TRIGGER = /(?<![\w.+\-/])[+(]?[0-9][0-9 ().-]{7}/g;
