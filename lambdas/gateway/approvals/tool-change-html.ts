import type { ToolChangeSubject } from '../../store/approval-subject';
import { html, type Html } from '../html-template';

/** The decision page's view of a tool change: which tool, what changed, both definitions (masked), side by side in order. */
export function toolChangeCards(subject: ToolChangeSubject, when: { requested: Html; decideBy: Html }, reasons: Html): Html {
  const name = `${subject.upstream}.${subject.tool}`;
  return html`<div class="card"><dl>
<dt>Upstream</dt><dd>${subject.upstream}</dd>
<dt>Tool</dt><dd>${name}</dd>
<dt>Change</dt><dd>${subject.change === 'added' ? 'a new tool (never accepted before)' : 'its definition changed'}</dd>
<dt>Fingerprint</dt><dd>${subject.previousFingerprint ? `${subject.previousFingerprint} → ` : ''}${subject.fingerprint}</dd>
<dt>Seen</dt><dd>${when.requested}</dd>
<dt>Decide by</dt><dd>${when.decideBy}</dd>
</dl><p class="muted">Until you approve it, agents do not see this tool in tools/list and its calls are refused. Approving accepts exactly this definition (its fingerprint); any later change is held again.</p></div>
${reasons}
<div class="card"><h2>Definition now</h2><p class="muted">As the upstream lists it, secrets and personal data masked.</p><pre>${subject.current}</pre>
${subject.previous !== undefined ? html`<h3>Accepted definition before</h3><pre>${subject.previous}</pre>` : html`<p class="muted">No earlier definition: the upstream did not list this tool before (a renamed tool counts as new).</p>`}</div>`;
}
