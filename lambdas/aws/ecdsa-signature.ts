/**
 * KMS returns ECDSA signatures DER-encoded (`SEQUENCE { INTEGER r, INTEGER s }`, X9.62); JWS wants
 * r and s as fixed-size unsigned big-endian integers, concatenated (RFC 7518 §3.4). `size` is the
 * byte length of one integer (32 for P-256). Anything that is not exactly such a sequence throws.
 */
export function ecdsaDerToJose(der: Uint8Array, size: number): Uint8Array {
  const fail = (why: string): never => {
    throw new Error(`not a DER ECDSA signature: ${why}`);
  };
  let at = 0;
  const byte = () => (at < der.length ? der[at++]! : fail('truncated'));
  const length = (): number => {
    const first = byte();
    if (first < 0x80) return first;
    if (first !== 0x81) return fail('unsupported length form');
    const value = byte();
    return value < 0x80 ? fail('non-minimal length') : value;
  };
  const integer = (): Uint8Array => {
    if (byte() !== 0x02) fail('expected an INTEGER');
    const len = length();
    if (len === 0 || at + len > der.length) fail('bad INTEGER length');
    let value = der.subarray(at, at + len);
    at += len;
    if (value[0]! & 0x80) fail('negative INTEGER');
    if (value.length > 1 && value[0] === 0 && !(value[1]! & 0x80)) fail('non-minimal INTEGER');
    if (value[0] === 0 && value.length > 1) value = value.subarray(1);
    if (value.length > size) fail('INTEGER larger than the curve order');
    return value;
  };

  if (byte() !== 0x30) fail('expected a SEQUENCE');
  if (length() !== der.length - at) fail('SEQUENCE length does not match');
  const r = integer();
  const s = integer();
  if (at !== der.length) fail('trailing bytes');
  const out = new Uint8Array(size * 2);
  out.set(r, size - r.length);
  out.set(s, size * 2 - s.length);
  return out;
}
