import type { Principal } from '../auth/principal';
import { recordUnavailable } from '../shared/errors';
import { errorForLog, type AirlockLogger } from '../shared/logger';
import type { SessionRecord, SessionStore, SessionUpdate, Transcript, TranscriptEvent, TranscriptStore } from '../store/types';
import { sessionCost, type ModelPrice } from './usage/prices';

export interface RecorderDeps {
  sessions: SessionStore;
  transcripts: TranscriptStore;
  logger: AirlockLogger;
  events?: { publish(record: SessionRecord): Promise<void> };
  /** The price table: a session with usage gets its cost. */
  prices?: readonly ModelPrice[];
}

/**
 * One session's record: a DynamoDB item created before anything is forwarded (fail closed) and
 * completed afterwards with the S3 transcript's key and SHA-256. Holds only masked content.
 */
export class SessionRecorder {
  private readonly events: TranscriptEvent[] = [];
  private created = false;
  private base: SessionRecord;

  constructor(
    private readonly deps: RecorderDeps,
    init: { id: string; principal: Principal; route: string; createdAt: Date; stream?: boolean },
    private readonly startedAt: number,
    private readonly monotonic: () => number,
  ) {
    const iso = init.createdAt.toISOString();
    const { issuer, sub, email, groups, clientId } = init.principal;
    this.base = {
      id: init.id,
      createdAt: iso,
      updatedAt: iso,
      principal: { issuer, sub, groups, ...(email ? { email } : {}), ...(clientId ? { clientId } : {}) },
      route: init.route,
      stream: init.stream ?? false,
      status: 'in_progress',
      findingCounts: {},
    };
  }

  get id(): string {
    return this.base.id;
  }

  /** Whether the session item exists (begin or finish wrote it): from then on it must reach a final status. */
  get begun(): boolean {
    return this.created;
  }

  /** Writes the session item. Throws `record_unavailable` (503) if it cannot: nothing may be forwarded then. */
  async begin(fields: SessionUpdate): Promise<void> {
    this.base = { ...this.base, ...fields };
    try {
      await this.deps.sessions.create(this.base);
      this.created = true;
    } catch (err) {
      this.deps.logger.error('session record could not be created', { sessionId: this.base.id, error: errorForLog(err) });
      throw recordUnavailable(err);
    }
  }

  /** Records one emitted stream event with its offset from the start of the request. */
  event(data: string): void {
    this.events.push({ t: Math.round(this.monotonic() - this.startedAt), data });
  }

  /**
   * Writes the transcript and completes the item. Never throws: by now the caller has its answer.
   * Each write is tried twice (a store hiccup must not leave the record open). If the transcript
   * still cannot be written, the item gets its final status anyway, without a transcript key (the
   * audit read says `missing`) and, unless it already carries an error code, `transcript_unavailable`.
   * If the item itself cannot be written it stays `in_progress` and the interrupted-session sweep
   * closes it later.
   */
  async finish(fields: SessionUpdate, content: Pick<Transcript, 'request' | 'response' | 'error'>): Promise<SessionRecord> {
    const record: SessionRecord = { ...this.base, ...fields, updatedAt: new Date().toISOString() };
    const cost = sessionCost(this.deps.prices ?? [], record.model, record.usage);
    if (cost !== undefined) record.costUsd = cost;
    const transcript: Transcript = {
      version: 1,
      sessionId: record.id,
      createdAt: record.createdAt,
      route: record.route,
      ...(record.model ? { model: record.model } : {}),
      principal: { issuer: record.principal.issuer, sub: record.principal.sub },
      ...content,
      ...(this.events.length ? { events: this.events } : {}),
      findingCounts: record.findingCounts,
      ...(record.risk && record.decision ? { risk: { ...record.risk, decision: record.decision } } : {}),
    };
    try {
      const stored = await twice(() => this.deps.transcripts.put(transcript));
      record.transcriptKey = stored.key;
      record.transcriptSha256 = stored.sha256;
    } catch (err) {
      this.deps.logger.error('session transcript could not be written', { sessionId: record.id, error: errorForLog(err) });
      record.errorCode ??= TRANSCRIPT_UNAVAILABLE;
    }
    try {
      if (this.created) {
        const { id: _id, createdAt: _c, principal: _p, route: _r, ...update } = record;
        await twice(() => this.deps.sessions.update(record.id, update));
      } else {
        await twice(() => this.deps.sessions.create(record));
        this.created = true;
      }
    } catch (err) {
      this.deps.logger.error('session record could not be completed', { sessionId: record.id, error: errorForLog(err) });
      return record;
    }
    await this.deps.events?.publish(record).catch((err: unknown) => {
      this.deps.logger.error('session event could not be published', { sessionId: record.id, error: errorForLog(err) });
    });
    return record;
  }
}

/** The error code of a session whose transcript could not be written (the item still ends). */
export const TRANSCRIPT_UNAVAILABLE = 'transcript_unavailable';

/** One retry: enough for a throttled or reset request, without holding a finished call for long. */
async function twice<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch {
    return write();
  }
}
