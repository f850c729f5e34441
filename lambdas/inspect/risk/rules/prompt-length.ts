import { readingRule, type RiskRule } from '../rule';

/** A prompt over the policy's length threshold: large pastes are where leaks and dumps hide. */
export const promptLengthRule: RiskRule = readingRule({
  id: 'prompt_length',
  signals: ['prompt_length'],
  reader(policy) {
    let chars = 0;
    return {
      read(t) {
        if (t.kind !== 'tool_definition' && !t.joined) chars += t.text.length;
      },
      signals() {
        if (chars <= policy.max_prompt_chars) return [];
        return [{ id: 'prompt_length', points: 15, message: `prompt is ${chars} characters, over the ${policy.max_prompt_chars} threshold` }];
      },
    };
  },
});
