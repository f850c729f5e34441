import type { TranscriptStore } from '../../store/types';
import { html } from '../html-template';
import { messagePage, page } from './approval-html';
import { errorForLog } from '../../shared/logger';
import { authorize, html as sendHtml, type ApprovalPagesDeps, type PageHandler } from './approval-pages';
import { promptExcerpt } from './prompt-excerpt';
import type { GatewayRequest, ResponseSink } from '../http';

/**
 * `GET /approvals/{id}/transcript`: the whole masked request of a held prompt, for the approvers
 * the decision page itself admits (signed link, signed-in approver, not the requester). Read from
 * the transcript the approved call would send, and only if it still matches its recorded SHA-256.
 */
export function approvalTranscriptPage(deps: ApprovalPagesDeps & { transcripts: TranscriptStore }): PageHandler {
  return async (req, sink) => {
    try {
      await show(deps, req, sink);
    } catch (err) {
      deps.logger.error('approval transcript page failed', { error: errorForLog(err) });
      if (!sink.started) await sendHtml(sink, 503, messagePage('Try again', 'The transcript could not be read just now; try again in a moment.', 'bad'));
    }
  };
}

const TRANSCRIPT_PATH = /^\/approvals\/([^/]+)\/transcript\/?$/;

/** `/approvals/{id}/transcript` to the transcript page, everything else to the approval pages. */
export function withTranscriptPage(transcriptHandler: PageHandler, approvalHandler: PageHandler): PageHandler {
  return (req, sink) => (TRANSCRIPT_PATH.test(req.path) ? transcriptHandler(req, sink) : approvalHandler(req, sink));
}

async function show(deps: ApprovalPagesDeps & { transcripts: TranscriptStore }, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const id = TRANSCRIPT_PATH.exec(req.path)?.[1];
  if (!id || !['GET', 'HEAD'].includes(req.method.toUpperCase())) return sendHtml(sink, 404, messagePage('Not found', 'There is no such page.', 'bad'));
  const ok = await authorize(deps, req, sink, id);
  if (!ok) return;
  const stored = await deps.transcripts.get(ok.approval.requestKey).catch(() => undefined);
  if (!stored || stored.sha256 !== ok.approval.requestSha256) {
    return sendHtml(sink, 409, messagePage('Transcript not available', 'The held request cannot be shown: its transcript is missing or does not match its record.', 'bad'));
  }
  const back = `../${encodeURIComponent(ok.approval.id)}?${new URLSearchParams({ exp: req.query.exp ?? '', sig: req.query.sig ?? '' }).toString()}`;
  await sendHtml(
    sink,
    200,
    page(
      'Full masked transcript',
      ok.approval.subject?.kind === 'mcp_tool_call'
        ? html`<div class="card"><p class="muted">Exactly the tool call sent if approved: secrets and personal data are masked.</p>
<pre class="full">${JSON.stringify(stored.transcript.request, null, 2)}</pre><p><a href="${back}">Back to the decision</a></p></div>`
        : html`<div class="card"><p class="muted">Exactly what the model receives if approved: secrets and personal data are masked.</p>
<pre class="full">${promptExcerpt(stored.transcript.request, Number.MAX_SAFE_INTEGER)}</pre><p><a href="${back}">Back to the decision</a></p></div>`,
    ),
  );
}
