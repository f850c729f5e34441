import { startEchoUpstream } from '../local/echo-upstream';

/**
 * The echo upstream alone in its own process, so a benchmark's CPU figures hold only the client's
 * work. Prints its URL. Model `echo-ttfb50` answers after 50 ms (the peer benchmark's slower upstream).
 */
const upstream = await startEchoUpstream({ models: ['echo', 'echo-ttfb50'], firstByteDelayMs: { 'echo-ttfb50': 50 } });
process.stdout.write(`${upstream.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void upstream.close().then(() => process.exit(0)));
