/**
 * The address people should open, for the start-up line of `npm start`.
 * adapter-node listens on HOST (default 0.0.0.0) and PORT (default 3000), and
 * ORIGIN, when set, is the public address behind a proxy: prefer it. A
 * wildcard bind address is not something a browser can open, so it is shown as
 * localhost.
 */
export function publicUrl(source: NodeJS.ProcessEnv = process.env): string {
	if (source.ORIGIN) return source.ORIGIN.replace(/\/+$/, '');
	if (source.SOCKET_PATH) return `unix:${source.SOCKET_PATH}`;
	const port = source.PORT || '3000';
	const host = source.HOST || '0.0.0.0';
	const shown =
		host === '0.0.0.0' || host === '::' || host === '[::]' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
	return `http://${shown}:${port}`;
}
