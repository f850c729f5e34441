import { BoundedCache } from '../../../lambdas/shared/bounded-cache';

describe('BoundedCache', () => {
  it('keeps at most max entries, dropping the least recently used (a hit counts as a use)', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);

    cache.set('c', 3);

    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('replaces a key in place without dropping another, and deletes', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);

    expect([cache.get('a'), cache.get('b'), cache.size]).toEqual([10, 2, 2]);
    cache.delete('a');
    expect([cache.get('a'), cache.size]).toEqual([undefined, 1]);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
    expect(() => new BoundedCache(1.5)).toThrow(RangeError);
  });
});
