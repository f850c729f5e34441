import { readFileSync } from 'node:fs';
import { APPROVAL_ASL_PATH } from '../../../local/approval-workflow';
import { substituteFunctionArns, validateAsl } from '../../support/asl-validator';

interface State {
  Type: string;
  SecondsPath?: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Choices?: { Next: string }[];
  Default?: string;
  Parameters?: Record<string, unknown>;
}

describe('approval state machine definition (state-machines/approval.asl.json)', () => {
  const text = readFileSync(APPROVAL_ASL_PATH, 'utf8');
  const definition = substituteFunctionArns(text) as { StartAt: string; States: Record<string, State> };

  it('is valid Amazon States Language once its substitutions are filled', () => {
    const { isValid, errorsText } = validateAsl(definition);

    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('names only the three step functions as substitutions', () => {
    const names = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));

    expect([...names].sort()).toEqual(['InvokeUpstreamFunctionArn', 'NotifyFunctionArn', 'RecordOutcomeFunctionArn']);
  });

  it('reaches every state, and every path ends by recording its outcome', () => {
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      const state = definition.States[name]!;
      for (const next of [state.Next, state.Default, ...(state.Catch ?? []).map((c) => c.Next), ...(state.Choices ?? []).map((c) => c.Next)]) if (next) visit(next);
    };
    visit(definition.StartAt);

    expect([...reached].sort()).toEqual(Object.keys(definition.States).sort());
    // An approved MCP tool call is sent by the MCP gateway when the agent collects it; the workflow
    // waits out the approval's life and then records it expired unless it was collected.
    expect(definition.States.ExecutedBy!.Choices!.map((c) => c.Next)).toEqual(['AwaitCollection']);
    expect(JSON.stringify(definition.States.ExecutedBy!.Choices)).toContain('"StringEquals":"mcp_tool_call"');
    expect(definition.States.ExecutedBy!.Default).toBe('InvokeUpstream');
    expect(definition.States.AwaitCollection).toMatchObject({ Type: 'Wait', SecondsPath: '$.Payload.timeoutSeconds', Next: 'RecordUncollected' });
    expect(definition.States.RecordUncollected!.Parameters!.Payload).toMatchObject({ outcome: 'uncollected' });
    const terminal = Object.entries(definition.States).filter(([, s]) => s.End || s.Type === 'Succeed' || s.Type === 'Fail');
    for (const [name] of terminal) {
      const before = Object.entries(definition.States).filter(([, s]) => s.Next === name).map(([n]) => n);
      expect([name, [name, ...before].some((n) => n.startsWith('Record'))]).toEqual([name, true]);
    }
  });

  it('carries ids only: no state passes a prompt, an answer or a cause to a function', () => {
    const payloads = Object.values(definition.States).map((s) => JSON.stringify(s.Parameters?.Payload ?? {}));

    for (const payload of payloads) expect(payload).not.toMatch(/Cause|request|messages|response/i);
  });
});
