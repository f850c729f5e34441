import { systemClock } from '../gateway/ports';
import { sweepInterrupted } from '../gateway/sessions/sweep-interrupted';
import { readRuntimeConfig } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoSessionStore } from '../store/dynamo-session-store';
import { DynamoSessionQueries } from '../store/session-queries';
import { required } from './approval-runtime';

/** The scheduled sweep (EventBridge rule): closes sessions a dead invocation left `in_progress`. */
const config = readRuntimeConfig();
required(config, 'AIRLOCK_SESSION_TABLE');
const deps = {
  queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE! }),
  sessions: new DynamoSessionStore({ tableName: config.AIRLOCK_SESSION_TABLE!, ttlDays: config.AIRLOCK_SESSION_TTL_DAYS }),
  logger,
  clock: systemClock,
};

export const handler = async (): Promise<{ marked: number }> => sweepInterrupted(deps, { olderThanMs: config.AIRLOCK_SWEEP_AFTER_SECONDS * 1000 });
