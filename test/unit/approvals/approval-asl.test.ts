import { readFileSync } from 'node:fs';
import { APPROVAL_ASL_PATH } from '../../../local/approval-workflow';
import { substituteFunctionArns, validateAsl } from '../../support/asl-validator';

interface State {
  Type: string;
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
    // The one exception: an approved MCP tool call ends at the decision (recorded by the decide
    // step); the MCP gateway sends it and records its outcome when the agent collects it.
    expect(definition.States.ExecutedBy!.Choices!.map((c) => c.Next)).toEqual(['HandedToGateway']);
    expect(JSON.stringify(definition.States.ExecutedBy!.Choices)).toContain('"StringEquals":"mcp_tool_call"');
    expect(definition.States.ExecutedBy!.Default).toBe('InvokeUpstream');
    const terminal = Object.entries(definition.States).filter(([name, s]) => name !== 'HandedToGateway' && (s.End || s.Type === 'Succeed' || s.Type === 'Fail'));
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
