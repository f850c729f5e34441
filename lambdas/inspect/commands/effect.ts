/** What a command argument would do, found by parsing it: the unit risk rules and approvers see. */
export interface CommandEffect {
  /** Stable id, e.g. `drop_table`, `rm_rf`, `kubectl_delete_protected`. */
  id: string;
  /** Safe to show an approver: the kind of effect and its target's name, never argument values. */
  label: string;
  /** `destructive` effects block by default; `privilege` effects (GRANT, IAM, security groups) go to review. */
  severity: 'destructive' | 'privilege';
}

export interface CommandAnalysis {
  effects: CommandEffect[];
  /** False when the parser could not read the text: the caller falls back to the regex rules and flags it. */
  parsed: boolean;
}

/** A tool argument that holds a command, and the language it is parsed as. */
export interface CommandArgument {
  language: 'sql' | 'shell';
  text: string;
}
