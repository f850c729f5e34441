import { effectSignals } from '../../commands/effect-signals';
import type { RiskRule } from '../rule';

/** Default protected namespaces when the policy names none. */
const DEFAULT_PROTECTED = ['prod', 'production', 'prd', 'live', 'kube-system'];

/** Shell tool arguments, tokenised: rm -rf, kubectl delete / scale to zero, terraform destroy, IAM and security groups. */
export const shellEffectsRule: RiskRule = {
  id: 'command_shell',
  evaluate({ commands, protectedNamespaces, shellAnalyser }) {
    const shell = (commands ?? []).filter((c) => c.language === 'shell');
    const options = { protectedNamespaces: protectedNamespaces ?? DEFAULT_PROTECTED };
    const analyse = shellAnalyser ?? (() => ({ effects: [], parsed: false }));
    return shell.length ? effectSignals('shell', shell.map((c) => analyse(c.text, options))) : [];
  },
};
