import { Duration } from 'aws-cdk-lib';
import { EventBus, Rule, type EventPattern, type IEventBus } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { APPROVAL_EVENT, SESSION_EVENT } from '../../lambdas/store/eventbridge-session-events';

/** Every event the gateway publishes for a finished session (lambdas/store/eventbridge-session-events.ts). */
/** Sessions and approval outcomes: a SIEM learns who sent what and who approved it. */
export const SESSION_EVENT_PATTERN: EventPattern = { source: [SESSION_EVENT.source], detailType: [SESSION_EVENT.detailType, APPROVAL_EVENT.detailType] };

export interface AuditEventsProps {
  /** The bus the proxy publishes session events to. */
  bus: IEventBus;
  /**
   * A bus the SIEM reads (its own account's bus, or a partner event bus): every session event is
   * forwarded there. A bus in another account must allow this account to put events.
   */
  forwardToEventBusArn?: string;
  /** Keep every session event in an EventBridge archive this many days, to replay to a SIEM that missed some. */
  archiveDays?: number;
}

/** How session events leave the gateway's bus: forwarded to a SIEM and/or archived. */
export class AuditEvents extends Construct {
  readonly forwardRule?: Rule;

  constructor(scope: Construct, id: string, props: AuditEventsProps) {
    super(scope, id);
    if (props.forwardToEventBusArn) {
      this.forwardRule = new Rule(this, 'ForwardToSiem', {
        eventBus: props.bus,
        description: 'Airlock: forward every session event (metadata only) to the SIEM bus',
        eventPattern: SESSION_EVENT_PATTERN,
        targets: [new EventBusTarget(EventBus.fromEventBusArn(this, 'SiemBus', props.forwardToEventBusArn))],
      });
    }
    if (props.archiveDays) {
      props.bus.archive('Archive', {
        description: 'Airlock: session events, replayable to a SIEM',
        eventPattern: SESSION_EVENT_PATTERN,
        retention: Duration.days(props.archiveDays),
      });
    }
  }
}
