import { parse, type ParseEntry } from 'shell-quote';
import type { CommandAnalysis, CommandEffect } from './effect';

export interface ShellOptions {
  /** Kubernetes namespaces (or contexts) where delete and scale-to-zero are destructive. */
  protectedNamespaces: readonly string[];
}

/** Commands that run their arguments as a command (`sudo rm …`, `env X=1 kubectl …`). */
const WRAPPERS = new Set(['sudo', 'doas', 'env', 'nohup', 'time', 'nice', 'xargs', 'exec', 'command']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);
const MAX_NESTING = 4;

/**
 * The effects of a shell command line, read from its tokens (shell-quote): quoting, flag order and
 * `a && b; c | d` chains do not hide a command, and `bash -c '…'` is read recursively.
 */
export function shellEffects(text: string, options: ShellOptions): CommandAnalysis {
  const effects: CommandEffect[] = [];
  const parsed = analyse(text, options, effects, 0);
  return { effects, parsed };
}

function analyse(text: string, options: ShellOptions, effects: CommandEffect[], depth: number): boolean {
  if (depth > MAX_NESTING) return false;
  let entries: ParseEntry[];
  try {
    // A function keeps `$VAR` as written instead of expanding it to nothing.
    entries = parse(text, (name) => `$${name}`);
  } catch {
    return false;
  }
  let ok = true;
  for (const words of commands(entries)) {
    const argv = unwrap(words);
    if (!argv.length) continue;
    const program = basename(argv[0]!);
    if (SHELLS.has(program)) {
      const c = argv.indexOf('-c');
      if (c >= 0 && argv[c + 1] !== undefined) ok = analyse(argv[c + 1]!, options, effects, depth + 1) && ok;
      continue;
    }
    effects.push(...programEffects(program, argv.slice(1), options));
  }
  return ok;
}

/** Splits tokens into simple commands at operators (`&&`, `||`, `;`, `|`, `(`, `)`, `&`). */
function commands(entries: ParseEntry[]): string[][] {
  const out: string[][] = [[]];
  for (const e of entries) {
    if (typeof e === 'string') out[out.length - 1]!.push(e);
    else if ('op' in e && e.op !== 'glob') out.push([]);
    else if ('pattern' in e) out[out.length - 1]!.push(e.pattern);
  }
  return out.filter((c) => c.length > 0);
}

/** Drops leading `VAR=value` assignments and wrapper commands with their options. */
function unwrap(words: string[]): string[] {
  let i = 0;
  for (;;) {
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i++;
    if (i < words.length && WRAPPERS.has(basename(words[i]!))) {
      i++;
      while (i < words.length && words[i]!.startsWith('-')) i++;
      continue;
    }
    return words.slice(i);
  }
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1).toLowerCase();

function programEffects(program: string, args: string[], options: ShellOptions): CommandEffect[] {
  switch (program) {
    case 'rm':
      return rmEffects(args);
    case 'kubectl':
    case 'oc':
      return kubectlEffects(args, options);
    case 'terraform':
    case 'tofu':
    case 'terragrunt':
      return terraformEffects(program, args);
    case 'aws':
      return awsEffects(args);
    case 'gcloud':
      return args.some((a) => /-iam-policy(-binding)?$/.test(a) || a === 'firewall-rules') && args.some((a) => /^(add|remove|set|create|delete|update)/.test(a))
        ? [{ id: 'iam_change', label: 'gcloud IAM or firewall change', severity: 'privilege' }]
        : [];
    case 'az':
      return args[0] === 'role' || (args[0] === 'network' && args[1] === 'nsg')
        ? [{ id: 'iam_change', label: 'az role or network security group change', severity: 'privilege' }]
        : [];
    default:
      return [];
  }
}

function rmEffects(args: string[]): CommandEffect[] {
  let recursive = false;
  let force = false;
  for (const a of args) {
    if (a === '--recursive') recursive = true;
    else if (a === '--force') force = true;
    else if (/^-[a-zA-Z]+$/.test(a)) {
      if (/[rR]/.test(a)) recursive = true;
      if (a.includes('f')) force = true;
    }
  }
  return recursive && force ? [{ id: 'rm_rf', label: 'rm -rf', severity: 'destructive' }] : [];
}

/** The values of `-n x`, `-nx`, `--namespace x`, `--namespace=x` (and `--context`). */
function flagValues(args: string[], names: string[]): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    for (const n of names) {
      if (a === n && args[i + 1] !== undefined) out.push(args[i + 1]!);
      else if (a.startsWith(`${n}=`)) out.push(a.slice(n.length + 1));
      else if (n.length === 2 && a.startsWith(n) && a.length > 2 && !a.startsWith('--')) out.push(a.slice(2));
    }
  });
  return out;
}

function kubectlEffects(args: string[], options: ShellOptions): CommandEffect[] {
  const protectedSet = new Set(options.protectedNamespaces.map((n) => n.toLowerCase()));
  const positional = args.filter((a, i) => !a.startsWith('-') && !['-n', '--namespace', '--context'].includes(args[i - 1] ?? ''));
  const verb = positional[0]?.toLowerCase();
  const targets = flagValues(args, ['-n', '--namespace', '--context']).map((v) => v.toLowerCase());
  const allNamespaces = args.includes('-A') || args.includes('--all-namespaces');
  // `kubectl delete namespace prod`: the namespace is the object itself.
  const namedNamespaces = /^(ns|namespaces?)$/.test(positional[1]?.toLowerCase() ?? '') ? positional.slice(2).map((n) => n.toLowerCase()) : [];
  const hitsProtected = allNamespaces || [...targets, ...namedNamespaces].some((n) => protectedSet.has(n));
  if (verb === 'delete' && hitsProtected) {
    return [{ id: 'kubectl_delete_protected', label: 'kubectl delete on a protected namespace', severity: 'destructive' }];
  }
  if (verb === 'scale' && hitsProtected) {
    const replicas = flagValues(args, ['--replicas']);
    if (replicas.some((r) => Number(r) === 0)) {
      return [{ id: 'kubectl_scale_to_zero', label: 'kubectl scale --replicas=0 on a protected namespace', severity: 'destructive' }];
    }
  }
  return [];
}

function terraformEffects(program: string, args: string[]): CommandEffect[] {
  const sub = args.find((a) => !a.startsWith('-'));
  const destroy = sub === 'destroy' || (sub === 'apply' && args.some((a) => a === '-destroy' || a === '--destroy'));
  return destroy ? [{ id: 'terraform_destroy', label: `${program} destroy`, severity: 'destructive' }] : [];
}

const IAM_CHANGE = /^(create|delete|attach|detach|put|update|add|remove|upload)-/;
const SECURITY_GROUP_CHANGE = /^(authorize|revoke)-security-group-(ingress|egress)$|^(create|delete|modify)-security-group/;

function awsEffects(args: string[]): CommandEffect[] {
  const positional = args.filter((a) => !a.startsWith('-'));
  const [service, operation] = [positional[0]?.toLowerCase(), positional[1]?.toLowerCase() ?? ''];
  if (service === 'iam' && IAM_CHANGE.test(operation)) return [{ id: 'iam_change', label: `aws iam ${operation}`, severity: 'privilege' }];
  if (service === 'ec2' && SECURITY_GROUP_CHANGE.test(operation)) {
    return [{ id: 'security_group_change', label: `aws ec2 ${operation}`, severity: 'privilege' }];
  }
  if (service === 's3' && operation === 'rb' && args.includes('--force')) return [{ id: 's3_remove_bucket', label: 'aws s3 rb --force', severity: 'destructive' }];
  return [];
}
