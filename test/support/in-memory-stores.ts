import { createHash } from 'node:crypto';
import { transcriptKeyFor } from '../../lambdas/store/schema';
import type { ApprovalRequest, ApprovalStatus, ApprovalStore, ApprovalUpdate, RemovableField } from '../../lambdas/store/approval-types';
import type {
  PageRequest,
  SessionFilter,
  SessionPage,
  SessionQueries,
  SessionRecord,
  SessionStatus,
  SessionStore,
  SessionUpdate,
  StoredTranscript,
  Transcript,
  TranscriptStore,
} from '../../lambdas/store/types';

/**
 * Small in-memory stores with the same contracts as the DynamoDB/S3 ones (conditional writes,
 * exact bytes and SHA-256 for transcripts), for fast use-case tests. Each can be told to fail
 * its next calls, so a test can show what a use case does when a store is down.
 */

class Failures {
  private readonly pending = new Map<string, number>();
  /** Makes the next `times` calls of `operation` throw. */
  failNext(operation: string, times = 1): void {
    this.pending.set(operation, (this.pending.get(operation) ?? 0) + times);
  }
  check(operation: string): void {
    const left = this.pending.get(operation) ?? 0;
    if (left > 0) {
      this.pending.set(operation, left - 1);
      throw Object.assign(new Error(`${operation} failed (injected)`), { name: 'StoreError', code: 'store_unavailable' });
    }
  }
}

export class InMemorySessionStore implements SessionStore, SessionQueries {
  readonly items = new Map<string, SessionRecord>();
  readonly failures = new Failures();
  readonly calls: string[] = [];

  async create(record: SessionRecord): Promise<void> {
    this.calls.push('create');
    this.failures.check('create');
    if (this.items.has(record.id)) throw new Error(`session ${record.id} exists`);
    this.items.set(record.id, structuredClone(record));
  }

  async update(id: string, update: SessionUpdate, expectedStatus?: SessionStatus[]): Promise<boolean> {
    this.calls.push('update');
    this.failures.check('update');
    const current = this.items.get(id);
    if (!current) return false;
    if (expectedStatus && !expectedStatus.includes(current.status)) return false;
    const defined = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
    this.items.set(id, { ...current, updatedAt: new Date().toISOString(), ...structuredClone(defined) });
    return true;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    this.failures.check('get');
    const item = this.items.get(id);
    return item && structuredClone(item);
  }

  /**
   * Serves `status` / `from` / `to` like the byStatus index: newest first. The cursor is the last
   * item's key (as DynamoDB's ExclusiveStartKey), so writes between pages do not shift it.
   */
  async listSessions(filter: SessionFilter, page: PageRequest = {}): Promise<SessionPage> {
    this.calls.push('listSessions');
    this.failures.check('listSessions');
    const order = (s: SessionRecord) => `${s.createdAt}#${s.id}`;
    const matching = [...this.items.values()]
      .filter((s) => filter.status === undefined || s.status === filter.status)
      .filter((s) => (filter.to === undefined || s.createdAt <= filter.to) && (filter.from === undefined || s.createdAt >= filter.from))
      .filter((s) => page.cursor === undefined || order(s) < page.cursor)
      .sort((a, b) => order(b).localeCompare(order(a)));
    const items = matching.slice(0, page.limit ?? 50).map((s) => structuredClone(s));
    return matching.length > items.length ? { items, nextCursor: order(items[items.length - 1]!) } : { items };
  }
}

export class InMemoryTranscriptStore implements TranscriptStore {
  readonly objects = new Map<string, Buffer>();
  readonly failures = new Failures();

  async put(transcript: Transcript): Promise<StoredTranscript> {
    this.failures.check('put');
    const key = transcriptKeyFor(transcript);
    const body = Buffer.from(JSON.stringify(transcript), 'utf8');
    this.objects.set(key, body);
    return { key, sha256: createHash('sha256').update(body).digest('hex') };
  }

  async get(key: string): Promise<{ transcript: Transcript; sha256: string } | undefined> {
    this.failures.check('get');
    const body = this.objects.get(key);
    if (!body) return undefined;
    return { transcript: JSON.parse(body.toString('utf8')) as Transcript, sha256: createHash('sha256').update(body).digest('hex') };
  }

  /** Rewrites a stored transcript as an attacker with bucket access would. */
  tamper(key: string, edit: (t: Transcript) => void): void {
    const body = this.objects.get(key);
    if (!body) throw new Error(`no transcript ${key}`);
    const transcript = JSON.parse(body.toString('utf8')) as Transcript;
    edit(transcript);
    this.objects.set(key, Buffer.from(JSON.stringify(transcript), 'utf8'));
  }
}

export class InMemoryApprovalStore implements ApprovalStore {
  readonly items = new Map<string, ApprovalRequest>();
  readonly failures = new Failures();

  async create(approval: ApprovalRequest): Promise<void> {
    this.failures.check('create');
    if (this.items.has(approval.id)) throw new Error(`approval ${approval.id} exists`);
    this.items.set(approval.id, structuredClone(approval));
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    this.failures.check('get');
    const item = this.items.get(id);
    return item && structuredClone(item);
  }

  async findLatestByHash(requestHash: string): Promise<ApprovalRequest | undefined> {
    this.failures.check('findLatestByHash');
    const found = [...this.items.values()].filter((a) => a.requestHash === requestHash).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return found[0] && structuredClone(found[0]);
  }

  async transition(
    id: string,
    from: ApprovalStatus[],
    update: ApprovalUpdate,
    options: { undecidedAt?: string; remove?: RemovableField[] } = {},
  ): Promise<boolean> {
    this.failures.check('transition');
    const current = this.items.get(id);
    if (!current || !from.includes(current.status)) return false;
    if (options.undecidedAt && !(current.decideBy > options.undecidedAt)) return false;
    const next: ApprovalRequest = { ...current, updatedAt: new Date().toISOString(), ...structuredClone(update) };
    for (const field of options.remove ?? []) delete next[field];
    this.items.set(id, next);
    return true;
  }
}
