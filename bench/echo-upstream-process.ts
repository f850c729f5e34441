import { startEchoUpstream } from '../local/echo-upstream';

/** The echo upstream alone in its own process, so a benchmark's CPU figures hold only the client's work. Prints its URL. */
const upstream = await startEchoUpstream({ models: ['echo'] });
process.stdout.write(`${upstream.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void upstream.close().then(() => process.exit(0)));
