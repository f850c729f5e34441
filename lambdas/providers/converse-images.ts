import { invalidRequest } from '../shared/errors';

/**
 * Images for the Converse API, which takes an image as its bytes (`image: { format, source: { bytes } }`).
 * Callers send them inline: OpenAI `image_url` parts with a base64 `data:` URL, Anthropic `image`
 * blocks with a base64 source. An image by URL is refused, not fetched: the gateway would then
 * fetch whatever address a caller names (its own network, the instance metadata endpoint).
 */

type Json = Record<string, unknown>;

/** What Converse reads, by media type (`image/jpg` is a common misspelling of `image/jpeg`). */
const FORMATS: Readonly<Record<string, 'png' | 'jpeg' | 'gif' | 'webp'>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
const ACCEPTED = 'image/png, image/jpeg, image/gif or image/webp';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const NOT_FETCHED = `Airlock does not fetch images from URLs for a Bedrock model (it would fetch whatever address a request names); send the image inline`;

/** An OpenAI `image_url` part (`where`: `messages[i].content[j]`) as a Converse image block. */
export function openaiImage(part: Json, where: string): Json {
  const param = `${where}.image_url.url`;
  const url = (part.image_url as Json | undefined)?.url;
  if (typeof url !== 'string' || url === '') throw invalidRequest(`${param}: expected the image as a data: URL.`, param);
  if (/^https?:/i.test(url)) throw invalidRequest(`${param}: ${NOT_FETCHED}, as a data: URL with base64 (${ACCEPTED}).`, param);
  const m = /^data:([^,]*),/i.exec(url);
  if (!m) throw invalidRequest(`${param}: expected the image as a base64 data: URL (${ACCEPTED}).`, param);
  const [mediaType = '', ...params] = m[1]!.split(';').map((s) => s.trim().toLowerCase());
  if (params.at(-1) !== 'base64') throw invalidRequest(`${param}: the data: URL must be base64-encoded (data:${shown(mediaType)};base64,…).`, param);
  return imageBlock(mediaType, url.slice(m[0].length), param);
}

/** An Anthropic `image` block (`where`: `messages[i].content[j]`) as a Converse image block. */
export function anthropicImage(block: Json, where: string): Json {
  const param = `${where}.source`;
  const source = (block.source ?? {}) as Json;
  if (source.type === 'url') throw invalidRequest(`${param}: ${NOT_FETCHED}, as a base64 source (${ACCEPTED}).`, param);
  if (source.type !== 'base64') {
    throw invalidRequest(`${param}: images of source type '${shown(String(source.type))}' cannot be sent to a Bedrock model; send a base64 source (${ACCEPTED}).`, param);
  }
  return imageBlock(typeof source.media_type === 'string' ? source.media_type.toLowerCase() : '', typeof source.data === 'string' ? source.data : '', param);
}

function imageBlock(mediaType: string, data: string, param: string): Json {
  const format = FORMATS[mediaType];
  if (!format) throw invalidRequest(`${param}: images of type '${shown(mediaType)}' cannot be sent to a Bedrock model; it takes ${ACCEPTED}.`, param);
  if (data.length % 4 !== 0 || !BASE64.test(data)) throw invalidRequest(`${param}: the image data is not valid base64.`, param);
  // The SDK sends bytes base64-encoded on the wire: a string here would be encoded twice.
  return { image: { format, source: { bytes: new Uint8Array(Buffer.from(data, 'base64')) } } };
}

/** A caller's media type or source type, echoed only when it has the shape of one. */
const shown = (value: string): string => (/^[a-z0-9][a-z0-9.+/-]{0,60}$/i.test(value) ? value : 'unknown');
