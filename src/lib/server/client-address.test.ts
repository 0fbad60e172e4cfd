import { describe, expect, it } from 'vitest';
import { normalizeAddress, resolveClientAddress } from './client-address';

describe('resolveClientAddress', () => {
	it('ignores X-Forwarded-For when no proxy is trusted', () => {
		// Every spoofed header from the same peer resolves to the same address.
		for (const spoofed of ['1.2.3.4', '10.0.0.1, 8.8.8.8', 'garbage', '', '203.0.113.9,203.0.113.9']) {
			expect(resolveClientAddress('198.51.100.7', spoofed, [])).toBe('198.51.100.7');
		}
		expect(resolveClientAddress('198.51.100.7', null, [])).toBe('198.51.100.7');
	});

	it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
		expect(resolveClientAddress('198.51.100.7', '1.2.3.4', ['10.0.0.2'])).toBe('198.51.100.7');
	});

	it('takes the right-most untrusted hop when the peer is a trusted proxy', () => {
		expect(resolveClientAddress('10.0.0.2', '203.0.113.5', ['10.0.0.2'])).toBe('203.0.113.5');
		// The client prepended a fake hop; the proxy appended the real one.
		expect(resolveClientAddress('10.0.0.2', '1.2.3.4, 203.0.113.5', ['10.0.0.2'])).toBe('203.0.113.5');
		// Two trusted proxies in a chain.
		expect(resolveClientAddress('10.0.0.2', '1.2.3.4, 203.0.113.5, 10.0.0.3', ['10.0.0.2', '10.0.0.3'])).toBe(
			'203.0.113.5'
		);
	});
});

describe('address normalisation', () => {
	it('matches a trusted proxy configured as IPv4 when Node reports it IPv4-mapped', () => {
		expect(resolveClientAddress('::ffff:10.0.0.2', '203.0.113.7', ['10.0.0.2'])).toBe('203.0.113.7');
	});

	it('still ignores the header from an untrusted IPv4-mapped peer', () => {
		expect(resolveClientAddress('::ffff:198.51.100.4', '203.0.113.7', ['10.0.0.2'])).toBe('198.51.100.4');
	});

	it('normalises only IPv4-mapped forms', () => {
		expect(normalizeAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
		expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
	});
});
