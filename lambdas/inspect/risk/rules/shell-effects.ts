import { effectSignals } from '../../commands/effect-signals';
import type { RiskRule } from '../rule';

/** Default protected namespaces when the policy names none. */
const DEFAULT_PROTECTED = ['prod', 'production', 'prd', 'live', 'kube-system'];

/** The effects shell-effects.ts finds. */
const SHELL_EFFECTS = ['rm_rf', 'kubectl_delete_protected', 'kubectl_scale_to_zero', 'terraform_destroy', 'iam_change', 'security_group_change', 's3_remove_bucket'];

/** Shell tool arguments, tokenised: rm -rf, kubectl delete / scale to zero, terraform destroy, IAM and security groups. */
export const shellEffectsRule: RiskRule = {
  id: 'command_shell',
  signals: [...SHELL_EFFECTS, 'unparsed'].map((e) => `command.shell.${e}`),
  evaluate({ commands, protectedNamespaces, shellAnalyser }) {
    const shell = (commands ?? []).filter((c) => c.language === 'shell');
    const options = { protectedNamespaces: protectedNamespaces ?? DEFAULT_PROTECTED };
    const analyse = shellAnalyser ?? (() => ({ effects: [], parsed: false }));
    return shell.length ? effectSignals('shell', shell.map((c) => analyse(c.text, options))) : [];
  },
};
