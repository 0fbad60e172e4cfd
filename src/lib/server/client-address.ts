/**
 * The client's address for throttling and audit. X-Forwarded-For is believed
 * only when the direct peer is a configured trusted proxy, so a client cannot
 * reset its own throttle by sending a made-up header.
 */

/** IPv4-mapped IPv6 (`::ffff:10.0.0.2`, how Node reports IPv4 peers on a dual-stack socket) → `10.0.0.2`. */
export function normalizeAddress(address: string): string {
	const trimmed = address.trim().toLowerCase();
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
	return mapped ? mapped[1] : trimmed;
}

export function resolveClientAddress(peer: string, forwardedFor: string | null, trustedProxies: string[]): string {
	const trusted = new Set(trustedProxies.map(normalizeAddress));
	const direct = normalizeAddress(peer);
	if (!forwardedFor || !trusted.has(direct)) return direct;
	// Walk from the right: the last hop not in the trusted set is the client.
	const hops = forwardedFor.split(',').map(normalizeAddress).filter(Boolean);
	for (let i = hops.length - 1; i >= 0; i--) {
		if (!trusted.has(hops[i])) return hops[i];
	}
	return hops[0] ?? direct;
}
