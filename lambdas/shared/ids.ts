import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

// ulid's default generator asks the OS for one random byte per character (16 calls per id, a
// tenth of a millisecond of CPU per request); this draws the same CSPRNG bytes from a pooled buffer.
const pool = new Uint8Array(4096);
let next = pool.length;

function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

/** A new ULID (time-ordered, 80 random bits): the id of a session or an approval. */
export function newId(): string {
  return ulid(undefined, pooledRandom);
}
