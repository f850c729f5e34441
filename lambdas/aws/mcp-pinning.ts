import { workflowToolChangeApprovals } from '../gateway/mcp/tool-change-approvals';
import type { ToolPinningPorts } from '../gateway/mcp/tool-pinning';
import { systemClock } from '../gateway/ports';
import type { Policy } from '../inspect/policy';
import type { ConfigOf } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoApprovalStore } from '../store/approval-store';
import { DynamoToolPinStore } from '../store/dynamo-tool-pin-store';
import { EventBridgeToolSetEvents } from '../store/eventbridge-tool-set-events';
import { SfnApprovalWorkflow } from './approval-services';

/**
 * Pinned tools in AWS: tool sets as `mcp-tools#…` items of the approval table, tool changes as
 * approvals there with their Step Functions execution (when the stack wired the state machine;
 * otherwise a held tool waits for a pin in config), changes on the session event bus.
 */
export function awsToolPinning(config: ConfigOf<'mcp'>, policy: Policy): ToolPinningPorts {
  const tableName = config.AIRLOCK_APPROVAL_TABLE;
  return {
    store: new DynamoToolPinStore({ tableName }),
    ...(config.AIRLOCK_APPROVAL_STATE_MACHINE_ARN
      ? {
          approvals: workflowToolChangeApprovals({
            approvals: new DynamoApprovalStore({ tableName }),
            workflow: new SfnApprovalWorkflow(config.AIRLOCK_APPROVAL_STATE_MACHINE_ARN),
            policy,
            clock: systemClock,
            logger,
          }),
        }
      : {}),
    ...(config.AIRLOCK_EVENT_BUS_NAME ? { events: new EventBridgeToolSetEvents({ eventBusName: config.AIRLOCK_EVENT_BUS_NAME }) } : {}),
  };
}
