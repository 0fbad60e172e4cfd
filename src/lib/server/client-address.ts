/**
 * The client's address for throttling and audit. X-Forwarded-For is believed
 * only when the direct peer is a configured trusted proxy, so a client cannot
 * reset its own throttle by sending a made-up header.
 */
export function resolveClientAddress(peer: string, forwardedFor: string | null, trustedProxies: string[]): string {
	if (!forwardedFor || !trustedProxies.includes(peer)) return peer;
	// Walk from the right: the last hop not in the trusted set is the client.
	const hops = forwardedFor.split(',').map((h) => h.trim()).filter(Boolean);
	for (let i = hops.length - 1; i >= 0; i--) {
		if (!trustedProxies.includes(hops[i])) return hops[i];
	}
	return hops[0] ?? peer;
}
