/**
 * The fake OpenAI-compatible server in a process of its own, for `bench:judge`: in the bench's
 * process its replies would wait on the bench's own event loop (polling, progress), and its CPU
 * would be counted nowhere. Prints one JSON line `{"baseUrl"}` when listening; on SIGTERM prints
 * `{"calls"}` (200 replies sent) and exits.
 *
 *   tsx test/bench/fake-openai-process.ts --latency 200 --reply 'Rating: [[7]]'
 */
import { startFakeOpenAi } from '../support/fake-openai-server';

const args = process.argv.slice(2);
const arg = (name: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
};
const text = arg('reply') ?? '[[A]]';
// One key for every request: the bench counts replies, not attempts per prompt, and hashing each
// prompt (sha256 of its JSON) was a tenth of this process's CPU, on the cores the workers share.
const fake = await startFakeOpenAi({ latencyMs: Number(arg('latency') ?? 0), reply: () => text, keyOf: () => 'bench' });
process.stdout.write(`${JSON.stringify({ baseUrl: fake.baseUrl })}\n`);
process.on('SIGTERM', () => {
	const calls = fake.log.filter((l) => l.outcome === 200).length;
	process.stdout.write(`${JSON.stringify({ calls })}\n`);
	void fake.close().then(() => process.exit(0));
});
