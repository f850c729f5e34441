import type { Detector } from '../detector';
import { entropy } from '../support';

const TOKEN = /[0-9]{5,16}:A[A-Za-z0-9_-]{34}(?![A-Za-z0-9_-])/y;

/** Telegram bot tokens: the bot's numeric id, `:A`, then 34 characters. */
export const telegramBotToken: Detector = {
  type: 'telegram_bot_token',
  category: 'secret',
  priority: 80,
  anchors: [':A'],
  reach: { before: 17, after: 38 },
  detect(text, at) {
    let start = at;
    while (start > 0 && at - start < 16 && text.charCodeAt(start - 1) >= 48 && text.charCodeAt(start - 1) <= 57) start--;
    if (at - start < 5) return null;
    const before = text.charCodeAt(start - 1);
    if (start > 0 && ((before >= 48 && before <= 57) || (before >= 65 && before <= 90) || (before >= 97 && before <= 122))) return null;
    TOKEN.lastIndex = start;
    const m = TOKEN.exec(text);
    return m && entropy(m[0]) > 3.5 ? { start, end: start + m[0].length } : null;
  },
};
