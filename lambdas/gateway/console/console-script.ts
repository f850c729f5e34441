/**
 * The console's one script, served as a same-origin file (`/console/console.js`) so the CSP can
 * stay `script-src 'self'` with no inline code. It only enhances server-rendered pages: local
 * times (UTC on hover), deadline countdowns, and the replay player, which fetches a session's
 * recorded frames and plays them at their recorded offsets. It writes text only (textContent),
 * never markup.
 */
export const CONSOLE_SCRIPT = String.raw`'use strict';
(function () {
  function localTimes() {
    document.querySelectorAll('time[datetime]').forEach(function (el) {
      var d = new Date(el.getAttribute('datetime'));
      if (isNaN(d.getTime())) return;
      el.title = el.textContent;
      el.textContent = d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    });
  }
  function countdowns() {
    var els = document.querySelectorAll('[data-deadline]');
    if (!els.length) return;
    function tick() {
      var now = Date.now();
      els.forEach(function (el) {
        var left = Math.round((Date.parse(el.getAttribute('data-deadline')) - now) / 1000);
        if (left <= 0) { el.textContent = 'expired'; el.classList.add('bad'); return; }
        var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
        el.textContent = (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + s + 's left';
      });
    }
    tick();
    setInterval(tick, 1000);
  }
  function frameText(data) {
    var e;
    try { e = JSON.parse(data); } catch (_) { return data; }
    if (e && e.choices && e.choices[0]) {
      var c = e.choices[0];
      if (c.delta) return typeof c.delta.content === 'string' ? c.delta.content : '';
      if (c.message && typeof c.message.content === 'string') return c.message.content;
    }
    if (e && e.type === 'content_block_delta' && e.delta && typeof e.delta.text === 'string') return e.delta.text;
    if (e && Array.isArray(e.content)) return e.content.map(function (p) { return typeof p.text === 'string' ? p.text : ''; }).join('');
    if (e && e.error) return '\n[error ' + (e.error.code || '') + ']';
    return '';
  }
  function replay() {
    var button = document.getElementById('replay-start');
    if (!button) return;
    var out = document.getElementById('replay-output');
    var status = document.getElementById('replay-status');
    var speed = document.getElementById('replay-speed');
    var timers = [];
    button.addEventListener('click', function () {
      timers.forEach(clearTimeout);
      timers = [];
      out.textContent = '';
      status.textContent = 'Loading the recording…';
      button.disabled = true;
      var url = button.getAttribute('data-frames') + '?speed=' + encodeURIComponent(speed ? speed.value : '1');
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
        .then(function (plan) {
          var frames = plan.frames || [];
          var played = 0;
          status.textContent = 'Playing ' + frames.length + ' recorded events at ' + plan.speed + '× (integrity: ' + plan.integrity + ')…';
          if (!frames.length) { status.textContent = 'Nothing was recorded to replay.'; button.disabled = false; }
          frames.forEach(function (f) {
            timers.push(setTimeout(function () {
              out.textContent += frameText(f.data);
              played++;
              if (played === frames.length) {
                status.textContent = 'Replay finished: ' + frames.length + ' events in ' + (f.at / 1000).toFixed(1) + ' s (integrity: ' + plan.integrity + ').';
                button.disabled = false;
              }
            }, f.at));
          });
        })
        .catch(function (err) { status.textContent = 'The replay could not be loaded (' + err.message + ').'; button.disabled = false; });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { localTimes(); countdowns(); replay(); });
})();
`;
