import { INDEX_WRITE_SHARDS } from './schema';

/**
 * Where a session's byStatus and byDay index entries go: shard `hash(id) mod INDEX_WRITE_SHARDS`
 * of its partition (schema.ts). The shard depends on the id alone, so an update that changes the
 * status can name the new partition without reading the item.
 */

/** FNV-1a (32 bit) of the id: cheap, stable across runtimes, and uniform enough over ULIDs. */
export function shardOf(sessionId: string, shards: number = INDEX_WRITE_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** The sharded partition key value: `completed#07`, `2026-06-01#31`. */
export const shardedKey = (value: string, shard: number): string => `${value}#${String(shard).padStart(2, '0')}`;

/** The partition key value of a session's entry under `value` (a status or a day). */
export const shardKeyOf = (value: string, sessionId: string): string => shardedKey(value, shardOf(sessionId));
