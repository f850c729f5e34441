import { escapeHtml, html, joinHtml } from '../../../lambdas/gateway/html-template';

const HOSTILE = `<script>alert("x")</script><img src=x onerror='alert(1)'>&\``;

describe('html template', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const out = html`<p title="${HOSTILE}">${HOSTILE}</p><a href='${HOSTILE}'>${42}</a>`.toString();

    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).not.toMatch(/title="[^"]*"[^>]*onerror/);
    expect(out).toBe(
      `<p title="${escapeHtml(HOSTILE)}">${escapeHtml(HOSTILE)}</p><a href='${escapeHtml(HOSTILE)}'>42</a>`,
    );
    expect(escapeHtml(HOSTILE)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;&#96;');
  });

  it('lets a fragment built by the template pass once, never escaped twice and never unescaped', () => {
    const inner = html`<b>${'a & b'}</b>`;

    const out = html`<div>${inner}</div>`.toString();

    expect(out).toBe('<div><b>a &amp; b</b></div>');
  });

  it('treats a string that looks like markup as text, whoever built it', () => {
    const markup = html`<b>bold</b>`.toString();

    expect(html`${markup}`.toString()).toBe('&lt;b&gt;bold&lt;/b&gt;');
  });

  it('escapes each item of an array and renders nothing for undefined, null and false', () => {
    const items = ['<i>', html`<li>ok</li>`, undefined, null, false, 0];

    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul>&lt;i&gt;<li>ok</li>0</ul>');
    expect(joinHtml(['<a>', html`<br>`], ', ').toString()).toBe('&lt;a&gt;, <br>');
  });
});
