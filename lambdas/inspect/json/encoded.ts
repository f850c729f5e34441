/**
 * Encoded payloads inside JSON strings: data URLs and base64 blobs. Text media types are decoded
 * so the walker can inspect them and re-encode the masked text; binary ones (images, PDFs, audio)
 * cannot be inspected and are reported as attachments. Pure: Buffer-free, uses atob/btoa and TextDecoder.
 */

export interface Encoded {
  /** The media type, lower case (`text/plain`, `image/png`; `application/octet-stream` when unknown). */
  mediaType: string;
  /** The decoded text when the payload is text, else undefined (binary). */
  text?: string;
  /** Rebuilds the string with a replacement text in the same encoding. */
  reencode(text: string): string;
}

const TEXT_TYPES = /^(?:text\/|application\/(?:json|[\w.+-]*\+json|ld\+json|x-ndjson|x?yaml|x-yaml|toml|xml|[\w.+-]*\+xml|javascript|x-sh|x-shellscript|sql|x-sql|x-env|x-www-form-urlencoded|graphql)\b)/;

export const isTextMediaType = (mediaType: string): boolean => TEXT_TYPES.test(mediaType);

const DATA_URL = /^data:([\w.+/-]*)((?:;[\w.+-]+=[\w.+\-"]*)*)(;base64)?,/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Below this a string is ordinary text (ids, words); base64 blobs worth decoding are longer. */
const MIN_BLOB_CHARS = 128;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function fromBase64(b64: string): Uint8Array | null {
  try {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

function toBase64(text: string): string {
  const bytes = encoder.encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Decoded bytes as text, when they are UTF-8 with no control characters but tab and line breaks. */
function asText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what marks decoded bytes as binary
  return /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

/** A `data:` URL: its media type and, for text, the decoded text. */
function dataUrl(value: string): Encoded | null {
  const m = DATA_URL.exec(value);
  if (!m) return null;
  const header = m[0];
  const mediaType = (m[1] || 'text/plain').toLowerCase();
  const payload = value.slice(header.length);
  const base64 = m[3] !== undefined;
  let text: string | undefined;
  if (isTextMediaType(mediaType)) {
    if (base64) {
      const bytes = fromBase64(payload);
      text = bytes ? asText(bytes) : undefined;
    } else {
      try {
        text = decodeURIComponent(payload);
      } catch {
        text = payload;
      }
    }
  }
  const reencode = (masked: string) => header + (base64 ? toBase64(masked) : encodeURIComponent(masked));
  return text === undefined ? { mediaType, reencode } : { mediaType, text, reencode };
}

/**
 * A raw base64 payload: with its media type from a sibling field (Anthropic `source.media_type`)
 * or, without one, a long base64 string that decodes to UTF-8 text. Without a media type, bytes
 * that are not text give null: the string is then inspected as it is (it may be a key's body).
 */
function base64Blob(value: string, mediaType: string | undefined): Encoded | null {
  if (mediaType === undefined && value.length < MIN_BLOB_CHARS) return null;
  if (value.length % 4 !== 0 || !BASE64.test(value)) return null;
  const bytes = fromBase64(value);
  if (!bytes) return null;
  const text = mediaType === undefined || isTextMediaType(mediaType) ? asText(bytes) : undefined;
  if (mediaType === undefined && text === undefined) return null;
  const type = mediaType ?? (text === undefined ? 'application/octet-stream' : 'text/plain');
  return text === undefined ? { mediaType: type, reencode: toBase64 } : { mediaType: type, text, reencode: toBase64 };
}

/** The encoded payload a JSON string holds, or null for ordinary text. */
export function decodePayload(value: string, siblingMediaType: string | undefined): Encoded | null {
  if (value.length > 5 && (value.charCodeAt(0) | 32) === 100 && value.slice(0, 5).toLowerCase() === 'data:') return dataUrl(value);
  return base64Blob(value, siblingMediaType);
}
