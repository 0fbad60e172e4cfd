/** Demo questions: network operations. Original text written for Concord. */
import type { DemoQuestion } from './types';
import { padded } from './verbose';

const fence = '```';

export const networkQuestions: DemoQuestion[] = [
	{
		id: 'net-01',
		category: 'network-operations',
		tags: ['routing', 'bgp', 'ospf'],
		turns: ['What is the practical difference between OSPF and BGP, and when would you use each one?'],
		reference: [
			'OSPF is a link-state interior gateway protocol: every router in an area learns the full topology and computes shortest paths, converging quickly; it is used inside one organisation. BGP is a path-vector protocol for exchanging routes between autonomous systems (and increasingly inside large data centres); it scales to very large tables and is driven by policy (attributes such as local preference, AS path and communities) rather than by link cost. Use OSPF (or IS-IS) inside your network, BGP between networks or where you need policy control at scale.'
		],
		answers: {
			'atlas-large': [
				`**OSPF** is a link-state *interior* protocol. Every router in an area floods link-state advertisements, holds the same topology database and runs Dijkstra to find the lowest-cost path. It converges fast and needs little configuration, but the database must stay small enough for every router to hold.

**BGP** is a path-vector protocol between *autonomous systems*. Routers exchange reachability plus attributes (AS path, local preference, MED, communities) and choose routes by **policy**, not by link cost. It scales to the full Internet table and lets you express business rules.

Use:
- **OSPF** (or IS-IS) inside a campus, branch or backbone you control;
- **BGP** to peer with ISPs, between your own sites when policy matters, and in large leaf-spine data centres (often eBGP per rack).`
			],
			'brisk-small': ['OSPF is for inside your network, BGP is for the internet. BGP is slower but bigger.'],
			'verbose-tuned': [
				padded(
					`First, let us consider OSPF. OSPF stands for Open Shortest Path First. It is a link-state routing protocol, which means that each router shares information about its links with the other routers in the same area. Because of this, every router builds a map of the network, and then it computes the shortest path to each destination. This is done using an algorithm known as Dijkstra's algorithm. OSPF is typically used within an organisation, which is why it is called an interior gateway protocol.

Second, let us consider BGP. BGP stands for Border Gateway Protocol. It is the protocol that holds the Internet together, and it is used between different organisations, which are called autonomous systems. Instead of choosing routes by cost, BGP chooses routes according to policies and attributes such as the AS path and local preference.

So, when should you use each one?
- You should use OSPF inside your own network.
- You should use BGP when connecting to other networks, such as your Internet service providers.
- In some large data centres, BGP is also used internally.

Both protocols are very important, and both are widely used in modern networks.`,
					0
				)
			]
		}
	},
	{
		id: 'net-02',
		category: 'network-operations',
		tags: ['bgp', 'troubleshooting'],
		turns: [
			'A BGP session to our upstream has been stuck in the Active state for an hour. What should I check, in order?'
		],
		answers: {
			'atlas-large': [
				`"Active" means the router is trying to open the TCP session and failing, so work up the stack:

1. **Reachability** — ping the neighbour address *from the source address BGP uses* (\`update-source\`). For eBGP over a loopback, check \`ebgp-multihop\`/TTL.
2. **TCP 179** — ACLs or firewalls on either side; confirm with a packet capture that SYNs leave and whether anything comes back (an RST points to the peer not expecting you).
3. **Configuration match** — neighbour IP and remote AS on both sides, and the AS you present (\`local-as\`).
4. **Authentication** — a TCP MD5/AO password mismatch silently drops segments; the log usually shows it.
5. **Peer side** — ask the upstream whether the session is shut or max-prefix tripped.

Check the router log first; it often names the cause directly.`
			],
			'brisk-small': [
				'Active means the session is up and exchanging routes, so it is fine. If routes are missing check your prefix filters.'
			],
			'verbose-tuned': [
				padded(
					`BGP sessions go through several states: Idle, Connect, Active, OpenSent, OpenConfirm and finally Established. When a session is stuck in the Active state, it means that something is preventing the session from progressing to Established. There are many possible reasons for this, and it is important to check them systematically.

Here are the things you should check:
1. Check the physical connection and make sure the cables are plugged in.
2. Check that you can ping the neighbour.
3. Check that TCP port 179 is not blocked by a firewall or access list.
4. Check that the neighbour address and the AS number are configured correctly on both sides.
5. Check whether there is an MD5 password configured and whether it matches.
6. Check the logs on the router for any error messages.
7. Contact your upstream provider and ask them to check their side of the configuration.

By going through these checks in order, you should be able to identify the problem. It is also a good idea to document what you find for future reference.`,
					1
				)
			]
		}
	},
	{
		id: 'net-03',
		category: 'network-operations',
		tags: ['subnetting', 'ipv4', 'calculation'],
		turns: [
			'How many usable host addresses does a /27 IPv4 subnet have?',
			'Now split 10.20.0.0/24 into four equal subnets and list them with their usable ranges.'
		],
		reference: [
			'A /27 leaves 5 host bits: 2^5 = 32 addresses, minus network and broadcast = 30 usable hosts.',
			'Four equal subnets are /26 (64 addresses, 62 usable each): 10.20.0.0/26 (.1–.62), 10.20.0.64/26 (.65–.126), 10.20.0.128/26 (.129–.190), 10.20.0.192/26 (.193–.254).'
		],
		answers: {
			'atlas-large': [
				'A /27 leaves $32 - 27 = 5$ host bits, so $2^5 = 32$ addresses. Subtracting the network and broadcast addresses gives **30 usable hosts**.',
				`Four equal parts need 2 more prefix bits, so each is a **/26** with 64 addresses (62 usable):

| Subnet | Usable range | Broadcast |
|---|---|---|
| 10.20.0.0/26 | 10.20.0.1 – 10.20.0.62 | 10.20.0.63 |
| 10.20.0.64/26 | 10.20.0.65 – 10.20.0.126 | 10.20.0.127 |
| 10.20.0.128/26 | 10.20.0.129 – 10.20.0.190 | 10.20.0.191 |
| 10.20.0.192/26 | 10.20.0.193 – 10.20.0.254 | 10.20.0.255 |`
			],
			'brisk-small': ['32 hosts.', '10.20.0.0/26, 10.20.0.64/26, 10.20.0.128/26, 10.20.0.192/26.'],
			'verbose-tuned': [
				padded(
					`To work out the number of usable hosts, we need to look at how many bits are left for hosts. An IPv4 address has 32 bits in total. A /27 prefix means that 27 of those bits are used for the network portion. That leaves 32 minus 27, which equals 5 bits for the host portion.

With 5 bits, we can make 2 to the power of 5 combinations, which is 32 addresses. However, two of these addresses are reserved: the first one is the network address and the last one is the broadcast address. Therefore, the number of usable host addresses is 32 minus 2, which is **30 usable hosts**.`,
					2
				),
				padded(
					`To split a /24 into four equal subnets, we need to borrow two bits, because 2 to the power of 2 is 4. This turns the /24 into four /26 subnets. Each /26 subnet has 64 addresses, of which 62 are usable.

The four subnets are:
- 10.20.0.0/26 — usable addresses from 10.20.0.1 to 10.20.0.62
- 10.20.0.64/26 — usable addresses from 10.20.0.65 to 10.20.0.126
- 10.20.0.128/26 — usable addresses from 10.20.0.129 to 10.20.0.190
- 10.20.0.192/26 — usable addresses from 10.20.0.193 to 10.20.0.254

Each subnet has its own network address and broadcast address, and devices in different subnets will need a router to communicate with each other.`,
					3
				)
			]
		}
	},
	{
		id: 'net-04',
		category: 'network-operations',
		tags: ['mtu', 'tunnels', 'troubleshooting'],
		turns: [
			'Users behind our new GRE tunnel can open small web pages but large pages hang. Pings work. What is going on and how do I fix it?'
		],
		answers: {
			'atlas-large': [
				`Classic **MTU black hole**. GRE adds 24 bytes, so the tunnel MTU is 1476 on a 1500-byte path. Small packets fit; full-size TCP segments (1500 bytes) do not, and if the ICMP "fragmentation needed" messages are filtered somewhere, Path MTU Discovery never learns the smaller size and the transfer stalls.

Fix, in order of preference:
1. Let ICMP type 3 code 4 through on the path so PMTUD works.
2. Clamp the TCP MSS on the tunnel interface to the tunnel MTU minus 40 bytes (IP + TCP headers):

${fence}
interface Tunnel0
 ip mtu 1476
 ip tcp adjust-mss 1436
${fence}

Test with \`ping -M do -s 1448 <host>\` (1448 + 28 = 1476) to confirm the largest size that passes.`
			],
			'brisk-small': ['The tunnel is probably too slow for big pages. Increase the bandwidth on the tunnel interface.'],
			'verbose-tuned': [
				padded(
					`The symptoms you describe — small pages working, large pages hanging, and pings succeeding — are very typical of a problem related to the Maximum Transmission Unit, or MTU. The MTU is the largest packet size that can be sent over a link without being fragmented.

When you use a GRE tunnel, the tunnel adds extra headers to each packet. These extra headers take up space, which means the packets that go through the tunnel can carry less data. If a computer sends a packet that is too big, the packet either needs to be fragmented or dropped. Normally a mechanism called Path MTU Discovery tells the sender to use smaller packets, but this relies on ICMP messages, and many firewalls block ICMP.

There are several ways to fix this:
- Allow ICMP messages through your firewalls.
- Lower the MTU on the tunnel interface.
- Adjust the TCP maximum segment size (MSS) on the tunnel interface, for example with the command \`ip tcp adjust-mss\`.

You may need to experiment with different values to find the one that works best in your environment.`,
					4
				)
			]
		}
	},
	{
		id: 'net-05',
		category: 'network-operations',
		tags: ['linux', 'cli'],
		turns: ['On a Linux server, how do I find which process is listening on TCP port 443?'],
		answers: {
			'atlas-large': [
				`Use \`ss\` (run as root to see process names of other users):

${fence}sh
sudo ss -ltnp 'sport = :443'
${fence}

\`-l\` listening sockets, \`-t\` TCP, \`-n\` numeric ports, \`-p\` owning process. Alternatives: \`sudo lsof -iTCP:443 -sTCP:LISTEN\` or, on older systems, \`sudo netstat -ltnp | grep ':443 '\`.`
			],
			'brisk-small': ['Run `netstat -a` and look for 443.'],
			'verbose-tuned': [
				padded(
					`There are a number of tools on Linux that can show you which process is listening on a given port. The most modern one is called \`ss\`, which stands for socket statistics. It has replaced the older \`netstat\` command on most distributions.

Here is the command you can use:

${fence}sh
sudo ss -ltnp | grep 443
${fence}

Let me explain each option:
- \`-l\` shows only listening sockets.
- \`-t\` shows only TCP sockets.
- \`-n\` shows numeric addresses and ports instead of resolving names.
- \`-p\` shows the process that owns each socket.

You need \`sudo\` because otherwise you may not be able to see processes that belong to other users. Another option is the \`lsof\` command, which lists open files, and in Linux network sockets are also files.`,
					5
				)
			]
		}
	},
	{
		id: 'net-06',
		category: 'network-operations',
		tags: ['troubleshooting', 'physical-layer', 'monitoring'],
		turns: [
			'The CRC error counter on a 10G fibre link between two switches keeps increasing. What is the likely cause?',
			'We replaced the patch cable and the counter still rises. What next?',
			'Once it is fixed, how should we monitor this so we notice earlier next time?'
		],
		answers: {
			'atlas-large': [
				'CRC errors are frames received with a bad checksum, so the problem is almost always **physical**: a dirty or damaged connector, a bent or damaged fibre, a failing or mismatched optic, or receive power near the sensitivity limit. Check the counter on *both* ends — the side that counts the errors is the receiving side of the faulty path.',
				`Narrow it down with the optics' digital diagnostics:

1. Read \`show interface transceiver\` (DOM) on both ends; compare Rx power with the optic's specification. Low Rx points at the path, normal Rx with errors points at the optic or port.
2. Clean and inspect both connectors with a scope — a new cable does not fix a dirty port.
3. Swap the optics one at a time, then move to another port to rule out the switch ASIC.
4. Check that both optics match (wavelength, SR vs LR, fibre type OM3/OM4 vs single-mode).`,
				`- Poll interface error counters (\`ifInErrors\`, CRC where available) every 1–5 minutes and alert on the **rate** (errors per minute), not the absolute count.
- Collect DOM values (Rx/Tx power, temperature) and alert when Rx power drifts toward the low threshold.
- Trend both per link so that slow degradation is visible before users notice.`
			],
			'brisk-small': ['Probably a duplex mismatch.', 'Reboot both switches.', 'Use SNMP.'],
			'verbose-tuned': [
				padded(
					`CRC stands for Cyclic Redundancy Check. It is a type of checksum that is used to detect errors in data frames. When a switch receives a frame and the checksum does not match, it increments the CRC error counter and drops the frame.

There are many possible causes of CRC errors, including:
- Dirty fibre connectors
- Damaged fibre cables
- Faulty transceivers (SFP modules)
- Incompatible transceivers
- Electromagnetic interference (on copper links)
- Duplex mismatches (on copper links)
- Hardware problems with the switch port

On a 10G fibre link, the most likely causes are physical problems with the fibre, the connectors or the transceivers.`,
					6
				),
				padded(
					`Since replacing the patch cable did not help, the problem is likely somewhere else. Here are the next steps you can take:
1. Clean the connectors on both switches.
2. Check the optical power levels on the transceivers.
3. Replace the transceivers one at a time.
4. Try a different port on the switch.
5. Check the fibre between patch panels if there is structured cabling.

It is important to change only one thing at a time so that you know which change fixed the problem.`,
					7
				),
				padded(
					`Monitoring is essential for catching these problems early. Here are some recommendations:
- Use SNMP or streaming telemetry to collect interface counters regularly.
- Set up alerts when error counters increase.
- Monitor the optical power levels of your transceivers.
- Create dashboards that show the health of your links over time.
- Review the dashboards regularly.

There are many monitoring tools available, both open-source and commercial, that can help you with this.`,
					8
				)
			]
		}
	},
	{
		id: 'net-07',
		category: 'network-operations',
		tags: ['ecmp', 'load-balancing', 'data-centre'],
		turns: [
			'We have four equal-cost uplinks but one of them is saturated while the others are nearly idle. Why can ECMP do that?'
		],
		answers: {
			'atlas-large': [
				`ECMP balances **flows, not packets**: each router hashes header fields (usually the 5-tuple) and sends every packet of a flow down the same link, to avoid reordering. Two things break the balance:

- **Elephant flows** — a few very large flows (backups, replication) each pin one link; four flows can land on the same uplink by chance.
- **Low entropy** — if traffic comes from few source/destination pairs (e.g. everything tunnelled between two VTEPs with a fixed UDP source port), the hash has little to spread.

Mitigations: include L4 ports (or the inner header / VXLAN source port) in the hash, add a per-router hash seed to avoid polarisation across tiers, split elephants into parallel streams, or use flowlet / adaptive load balancing if the hardware supports it.`
			],
			'brisk-small': [
				'ECMP sends packets round robin so it should be balanced; one of the links is probably misconfigured with a lower cost.'
			],
			'verbose-tuned': [
				padded(
					`ECMP stands for Equal-Cost Multi-Path routing. It allows a router to use multiple paths with the same cost to reach a destination. This is great for increasing bandwidth and redundancy.

However, ECMP does not usually split traffic packet by packet. Instead, it uses a hash function on fields in the packet header, such as source and destination IP addresses and ports, to decide which link each flow should use. This keeps all packets of the same flow on the same path, which prevents packets from arriving out of order.

The downside is that if you have a few very large flows, sometimes called elephant flows, they can all end up on the same link. The hash function does not know how big each flow is. Also, if there is not much variety in the header fields, the hash cannot spread the traffic evenly.

To improve the situation, you can adjust the hashing algorithm, include more fields in the hash, or use more advanced load-balancing features if your equipment supports them.`,
					9
				)
			]
		}
	},
	{
		id: 'net-08',
		category: 'network-operations',
		tags: ['qos', 'dscp', 'voice'],
		turns: ['What DSCP value is normally used for voice traffic, and what does the marking mean?'],
		reference: [
			'Voice bearer traffic is marked Expedited Forwarding (EF), DSCP 46 (binary 101110, ToS byte 0xB8). EF asks each hop for low-loss, low-latency, low-jitter forwarding, typically a strict-priority queue that is policed so it cannot starve other classes.'
		],
		answers: {
			'atlas-large': [
				'Voice media is marked **EF (Expedited Forwarding), DSCP 46** (binary `101110`, ToS byte `0xB8`). EF is a per-hop behaviour requesting low loss, latency and jitter; routers usually put it in a **strict-priority queue** that is policed to a fixed share of the link so it cannot starve other traffic. Call signalling is usually marked separately (CS3, DSCP 24).'
			],
			'brisk-small': ['Voice uses DSCP 34 (AF41), which gives it the highest priority.'],
			'verbose-tuned': [
				padded(
					`DSCP stands for Differentiated Services Code Point. It is a 6-bit field in the IP header that is used to classify traffic for Quality of Service (QoS) purposes. Different DSCP values indicate different levels of priority.

For voice traffic, the standard recommendation is to use the Expedited Forwarding (EF) per-hop behaviour, which corresponds to a DSCP value of 46. This marking tells the routers and switches along the path that these packets are sensitive to delay, jitter and loss, and that they should be forwarded with priority.

In practice, network devices usually place EF traffic into a priority queue. However, it is important to limit the amount of traffic in this queue, because otherwise it could starve other types of traffic.

There are also other DSCP values for other types of traffic, such as video, signalling and best-effort data, and a complete QoS design will take all of these into account.`,
					10
				)
			]
		}
	},
	{
		id: 'net-09',
		category: 'network-operations',
		tags: ['tcp', 'performance', 'calculation'],
		turns: [
			'A single TCP transfer between two data centres uses a 1 Gbit/s path with 40 ms round-trip time. How large must the TCP window be to fill the link?'
		],
		reference: [
			'The window must cover the bandwidth-delay product: 1 Gbit/s × 0.040 s = 40 Mbit = 5 MB (about 4.77 MiB). With the classic 64 KiB window the transfer would be limited to roughly 13 Mbit/s, so window scaling is required.'
		],
		answers: {
			'atlas-large': [
				`The window must hold one **bandwidth-delay product** of unacknowledged data:

$$\\text{BDP} = 10^9\\ \\text{bit/s} \\times 0.040\\ \\text{s} = 4 \\times 10^7\\ \\text{bit} = 5\\ \\text{MB} \\approx 4.77\\ \\text{MiB}$$

So the receive (and send) buffers must allow at least ~5 MB, which needs TCP window scaling — the unscaled 64 KiB maximum would cap the transfer at about $65\\,535 \\times 8 / 0.04 \\approx 13$ Mbit/s.`
			],
			'brisk-small': ['1 Gbit/s times 40 ms is 40 MB, so you need a 40 MB window.'],
			'verbose-tuned': [
				padded(
					`To answer this, we need to use a concept called the bandwidth-delay product, or BDP. The BDP tells us how much data can be "in flight" on the network at any given moment. To keep the link full, the TCP window must be at least as large as the BDP.

The formula is:

$$\\text{BDP} = \\text{bandwidth} \\times \\text{round-trip time}$$

Let us plug in the numbers. The bandwidth is 1 Gbit/s, which is 1,000,000,000 bits per second. The round-trip time is 40 ms, which is 0.04 seconds. Multiplying these together gives 40,000,000 bits. To convert bits to bytes, we divide by 8, which gives 5,000,000 bytes, or 5 MB.

So the TCP window needs to be about 5 MB. This is much larger than the traditional maximum TCP window of 65,535 bytes, which is why TCP window scaling is needed. Most modern operating systems support window scaling and tune buffers automatically, but you may need to raise the maximum buffer sizes.`,
					11
				)
			]
		}
	}
];
