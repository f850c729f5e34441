import type { ApprovalMessage, ApproverNotifier } from '../lambdas/gateway/approvals/ports';

/** The local runtime's "mail": the approvers' message printed to the console, link included. */
export class ConsoleMailNotifier implements ApproverNotifier {
  constructor(
    private readonly write: (text: string) => void = (text) => void process.stdout.write(text),
    private readonly to = 'approvers',
  ) {}

  async publish(message: ApprovalMessage): Promise<void> {
    const rule = '─'.repeat(72);
    this.write(`\n${rule}\nApproval mail to '${this.to}'\nSubject: ${message.subject}\n\n${message.text}\n${rule}\n\n`);
  }
}
