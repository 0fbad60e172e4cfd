/** Demo questions: cloud pre-sales. Original text written for Concord. */
import type { DemoQuestion } from './types';
import { padded } from './verbose';

export const cloudQuestions: DemoQuestion[] = [
	{
		id: 'cld-01',
		category: 'cloud-presales',
		tags: ['disaster-recovery', 'rpo', 'rto'],
		turns: ['A customer keeps mixing up RPO and RTO. How would you explain the difference, with an example?'],
		reference: [
			'RPO (recovery point objective) is the maximum acceptable data loss, measured as time: how far back the restored data may be. RTO (recovery time objective) is the maximum acceptable downtime: how long until the service runs again. Example: nightly backups give an RPO of up to 24 hours; if a restore takes 4 hours, the RTO is at least 4 hours.'
		],
		answers: {
			'atlas-large': [
				`- **RPO — Recovery Point Objective**: how much *data* you can afford to lose, expressed as time. It looks *backwards* from the incident.
- **RTO — Recovery Time Objective**: how long the *service* may be down. It looks *forwards* from the incident.

Example: an order database is backed up every night at 01:00 and a restore takes 3 hours. If it fails at 18:00, you lose 17 hours of orders (RPO up to 24 h) and are back at 21:00 (RTO ≈ 3 h). Continuous replication to a standby shrinks the RPO to seconds; an automated failover shrinks the RTO to minutes — they are bought with different investments.`
			],
			'brisk-small': ['RTO is how much data you lose and RPO is how long you are down.'],
			'verbose-tuned': [
				padded(
					`RPO and RTO are two of the most important concepts in disaster recovery and business continuity planning, so it is very understandable that customers sometimes confuse them, especially since the acronyms are so similar.

RPO stands for Recovery Point Objective. It describes the maximum amount of data that the business can tolerate losing, measured in time. For example, an RPO of one hour means that, after a disaster, you should be able to restore data to a point no more than one hour before the incident.

RTO stands for Recovery Time Objective. It describes the maximum amount of time that a system can be unavailable after a disaster before the business is significantly affected. For example, an RTO of four hours means that the system must be back up and running within four hours.

Here is a simple example. Imagine a company that backs up its database every night. If the database fails in the late afternoon, the company could lose almost a full day of data, so its RPO is up to 24 hours. If it then takes three hours to restore the backup, its RTO is about three hours.

A helpful way to remember: RPO is about data (the "point" in time you go back to), and RTO is about time (how long the recovery takes).`,
					12
				)
			]
		}
	},
	{
		id: 'cld-02',
		category: 'cloud-presales',
		tags: ['migration', 'sizing', 'cost'],
		turns: [
			'A prospect runs 200 VMs on premises at about 30% average CPU. How should we size the cloud target so we do not simply copy their over-provisioning?'
		],
		answers: {
			'atlas-large': [
				`Size from **measured utilisation**, not from the VM definitions:

1. Collect 2–4 weeks of per-VM metrics (CPU, memory, disk IOPS/throughput, network) at 5-minute granularity, covering month-end or other peaks.
2. Size each VM to its **95th-percentile** usage plus headroom (typically 20–30%), mapping to the nearest instance family by CPU:memory ratio.
3. Treat memory separately — many guests show high memory use because of caches; check the guest's available memory, not just allocation.
4. Flag idle VMs (p95 CPU < 5%) for retirement and bursty ones for burstable or autoscaled tiers.
5. Present two scenarios: *like-for-like* and *right-sized*, with monthly cost and the risk you accept in each.

Average CPU of 30% alone is not enough: a VM averaging 30% may peak at 95% during batch windows.`
			],
			'brisk-small': ['Take 30% of their current CPUs and buy that many in the cloud.'],
			'verbose-tuned': [
				padded(
					`Right-sizing is one of the most important aspects of a successful cloud migration, and it can have a very big impact on the total cost of ownership. Many organisations simply replicate their on-premises environment in the cloud, which often results in paying for resources that are not needed.

Here are the steps I would recommend:
1. Gather data: use a discovery tool to collect performance metrics for all 200 VMs over a representative period of time, ideally several weeks.
2. Analyse utilisation: look at CPU, memory, storage and network usage. Pay attention to peaks, not just averages.
3. Choose instance types: select cloud instance types that match the actual requirements of each workload, including some headroom for growth.
4. Consider pricing models: look at reserved capacity or savings plans for steady workloads.
5. Plan for optimisation: after migration, continue to monitor and adjust the sizes.

It is also worth remembering that some workloads may be candidates for modernisation, such as moving to managed databases or containers, which can further reduce costs.`,
					13
				)
			]
		}
	},
	{
		id: 'cld-03',
		category: 'cloud-presales',
		tags: ['pricing', 'batch', 'spot'],
		turns: [
			'A customer runs a nightly batch job that takes 6 hours on 40 servers and can be restarted safely. Compare on-demand, committed-use discounts and spot (preemptible) capacity for it.',
			'Turn that into three bullet points for their CFO.'
		],
		answers: {
			'atlas-large': [
				`| Option | Fits this job? | Why |
|---|---|---|
| **On-demand** | Baseline only | Full price, no commitment; good for the first weeks while measuring. |
| **Committed use** (1–3 years) | Poorly | Discounts assume ~24/7 use; the job runs 6 of 24 hours, so ~75% of committed hours would be wasted unless other workloads fill them. |
| **Spot / preemptible** | **Best** | Typically 60–90% cheaper; interruptions are acceptable because the job is restartable. |

Recommendation: run on spot across several instance types and zones, checkpoint work so an interruption loses minutes, and keep an on-demand fallback so the batch still finishes before its deadline.`,
				`- **Spot capacity cuts the batch cost by roughly 60–90%** versus on-demand, because the job tolerates interruptions.
- **A small on-demand fallback guarantees the deadline**, so savings do not add business risk.
- **No multi-year commitment is needed** for this workload, keeping the budget flexible.`
			],
			'brisk-small': [
				'Reserved instances are always cheapest, so buy 40 reserved servers for 3 years.',
				'- Reserved is cheapest\n- 3 years\n- 40 servers'
			],
			'verbose-tuned': [
				padded(
					`There are three main pricing models to consider for this workload.

**On-demand pricing:** With on-demand pricing, you pay for compute capacity by the hour or second, with no long-term commitment. This provides maximum flexibility, but it is also the most expensive option per hour.

**Committed-use discounts:** With committed-use discounts, such as reserved instances or savings plans, you commit to a certain level of usage for one or three years in exchange for a significant discount. This is best suited for steady-state workloads that run all the time.

**Spot or preemptible instances:** Spot instances let you use spare capacity at a steep discount, but the provider can reclaim the capacity at short notice. This is best suited for workloads that are fault-tolerant and flexible.

For a nightly batch job that runs for six hours and can be restarted, spot instances are likely to be the most cost-effective option. Committed-use discounts are less suitable because the servers are not used for most of the day. On-demand instances could be used as a fallback.`,
					14
				),
				padded(
					`Here are three bullet points for the CFO:
- Using spot instances for the nightly batch job can significantly reduce compute costs compared with on-demand pricing, potentially by a large percentage.
- Keeping a small amount of on-demand capacity as a backup ensures that the job always finishes on time, which protects the business.
- Avoiding long-term commitments for this workload preserves financial flexibility for the future.`,
					15
				)
			]
		}
	},
	{
		id: 'cld-04',
		category: 'cloud-presales',
		tags: ['security', 'shared-responsibility'],
		turns: ['Explain the shared responsibility model to a customer comparing IaaS and SaaS.'],
		answers: {
			'atlas-large': [
				`The provider secures the layers it operates; the customer secures everything it configures or puts in. The split moves up the stack as the service becomes more managed:

| Layer | IaaS | SaaS |
|---|---|---|
| Physical data centre, hardware, hypervisor | Provider | Provider |
| Operating system, patching | **Customer** | Provider |
| Runtime, middleware, application | **Customer** | Provider |
| Network rules (security groups, firewalls) | **Customer** | Provider (customer sets sharing/IP rules) |
| Identities, access rights, MFA | **Customer** | **Customer** |
| Data: classification, retention, backups of mistakes | **Customer** | **Customer** |

Two things never move to the provider: **who can access** and **what data you put in**. Most cloud breaches are misconfigured access, not provider failures.`
			],
			'brisk-small': ['In SaaS the provider is responsible for everything including your data.'],
			'verbose-tuned': [
				padded(
					`The shared responsibility model is a framework that defines which security tasks are handled by the cloud provider and which are handled by the customer. It is very important for customers to understand this model, because misunderstandings can lead to security gaps.

In an **IaaS** (Infrastructure as a Service) model, the provider is responsible for the physical infrastructure, including data centres, servers, storage and networking hardware, as well as the virtualisation layer. The customer is responsible for the operating system, applications, data, identity and access management, and network configuration.

In a **SaaS** (Software as a Service) model, the provider manages almost everything, including the application itself. However, the customer is still responsible for their data, for managing user access, and for configuring the security settings that the application offers.

In both models, the customer always retains responsibility for their data and their users. This is a key point to emphasise in customer conversations, because it is a common misconception that moving to the cloud means the provider takes care of all security.`,
					16
				)
			]
		}
	},
	{
		id: 'cld-05',
		category: 'cloud-presales',
		tags: ['pricing', 'egress', 'calculation'],
		turns: [
			'Estimate the monthly egress cost for 12 TB per month if the first 10 TB cost $0.08 per GB and everything above costs $0.06 per GB. Treat 1 TB as 1,000 GB.'
		],
		reference: ['10,000 GB × $0.08 = $800 plus 2,000 GB × $0.06 = $120, so $920 per month.'],
		answers: {
			'atlas-large': [
				`Tiered pricing applies each rate to its own slice:

- First 10 TB: $10\\,000\\ \\text{GB} \\times \\$0.08 = \\$800$
- Remaining 2 TB: $2\\,000\\ \\text{GB} \\times \\$0.06 = \\$120$

**Total: $920 per month.**`
			],
			'brisk-small': ['12,000 GB × $0.08 = $960 per month.'],
			'verbose-tuned': [
				padded(
					`Egress costs can be a significant part of a cloud bill, so it is good that you are estimating them in advance. Many providers use tiered pricing for data transfer, which means that the price per GB decreases as you transfer more data.

Let us break down the calculation:

1. The total egress is 12 TB, which is 12,000 GB.
2. The first 10 TB (10,000 GB) are charged at $0.08 per GB. 10,000 × 0.08 = $800.
3. The remaining 2 TB (2,000 GB) are charged at $0.06 per GB. 2,000 × 0.06 = $120.
4. Adding these together gives $800 + $120 = $920.

Therefore, the estimated monthly egress cost is **$920**.

Keep in mind that actual costs may vary depending on the destination of the traffic, the region, and whether a content delivery network is used.`,
					17
				)
			]
		}
	},
	{
		id: 'cld-06',
		category: 'cloud-presales',
		tags: ['compliance', 'data-residency', 'discovery'],
		turns: [
			'A European bank says it needs "data residency in the EU". Which discovery questions should we ask before proposing an architecture?'
		],
		answers: {
			'atlas-large': [
				`Pin down what "residency" means for them — storage, processing, support access or legal jurisdiction:

1. **Which data** is in scope: customer data, logs, backups, telemetry, encryption keys?
2. **Storage vs processing**: may data be processed or cached outside the EU (e.g. by a global CDN or an AI service)?
3. **Access**: may support staff outside the EU access systems? Is customer-approved, just-in-time access required?
4. **Jurisdiction**: is the concern location or exposure to non-EU legal orders? That decides whether a sovereign offering or customer-held keys are needed.
5. **Regulators and frameworks** they answer to (their national supervisor, outsourcing guidelines, DORA).
6. **Disaster recovery**: must the secondary region also be in the EU, or in the same country?
7. **Evidence**: what audit reports, contract clauses and exit plans will their risk team ask for?`
			],
			'brisk-small': ['Just deploy everything in an EU region, that covers it.'],
			'verbose-tuned': [
				padded(
					`Data residency is a very important topic for financial institutions in Europe, and it is essential to understand the customer's exact requirements before proposing a solution. Here are some questions you might want to ask:

- What types of data are subject to residency requirements?
- Does the requirement apply only to data at rest, or also to data in transit and data being processed?
- Are backups and disaster recovery copies also required to stay in the EU?
- Are there any requirements regarding who can access the data, such as support personnel located outside the EU?
- Which regulations and regulators does the bank need to comply with?
- Are there specific requirements for encryption and key management?
- What documentation and audit evidence will the bank need?

By asking these questions, you will gain a much better understanding of the customer's needs, which will allow you to design an architecture that meets their requirements and builds trust.`,
					18
				)
			]
		}
	},
	{
		id: 'cld-07',
		category: 'cloud-presales',
		tags: ['availability', 'sla', 'calculation'],
		turns: [
			'The customer asks for 99.99% availability. How much downtime does that allow per month and per year?',
			'If we run the service in two independent zones, each 99.9% available, and either zone alone can serve all traffic, what is the combined availability?'
		],
		reference: [
			'99.99% allows 0.01% downtime: about 52.6 minutes per year and about 4.3 minutes per 30-day month (4.38 minutes for an average month).',
			'With independent failures the service is down only when both zones are down: 1 − (0.001 × 0.001) = 99.9999%. In practice correlated failures (shared control plane, deployment, DNS) make the real figure much lower.'
		],
		answers: {
			'atlas-large': [
				`Allowed downtime is $1 - 0.9999 = 0.0001$ of the period:

- per year: $0.0001 \\times 525\\,960\\ \\text{min} \\approx$ **52.6 minutes**
- per 30-day month: $0.0001 \\times 43\\,200\\ \\text{min} \\approx$ **4.3 minutes**`,
				`If failures are independent, the service fails only when both zones fail at once:

$$A = 1 - (1 - 0.999)^2 = 1 - 10^{-6} = 99.9999\\%$$

That is the theoretical ceiling. Real zones share failure modes — the control plane, DNS, your own deployments and configuration — so quote the SLA you can evidence, not the product of the parts.`
			],
			'brisk-small': ['About 5 minutes a month, 1 hour a year.', 'Two zones of 99.9% average out to 99.9%.'],
			'verbose-tuned': [
				padded(
					`Availability targets are often expressed as a number of "nines", and 99.99% is commonly called "four nines". To calculate the allowed downtime, we subtract the availability from 100%, which gives 0.01%.

For a year: there are 365.25 days in an average year, which is 525,960 minutes. 0.01% of 525,960 minutes is about 52.6 minutes. So 99.99% availability allows roughly 52 and a half minutes of downtime per year.

For a month: a 30-day month has 43,200 minutes. 0.01% of that is about 4.32 minutes. So you are allowed a little over four minutes of downtime per month.

This is a very demanding target, and achieving it usually requires redundancy, automated failover and careful operational practices.`,
					19
				),
				padded(
					`This is a classic example of how redundancy can improve availability. When two components are arranged in parallel, and the system works as long as at least one of them is working, the system fails only if both components fail at the same time.

The probability that one zone is unavailable is 1 − 0.999 = 0.001. If the zones fail independently, the probability that both are unavailable at the same time is 0.001 × 0.001 = 0.000001. Therefore, the combined availability is 1 − 0.000001 = 0.999999, or 99.9999%.

This assumes that the failures are completely independent, which may not always be true in real life, because zones can share some common dependencies.`,
					20
				)
			]
		}
	},
	{
		id: 'cld-08',
		category: 'cloud-presales',
		tags: ['governance', 'landing-zone'],
		turns: ['What is a "landing zone", and why do we propose one before migrating the first workload?'],
		answers: {
			'atlas-large': [
				`A landing zone is the **pre-configured foundation** of a cloud estate that every workload lands in:

- an account/subscription hierarchy with guardrail policies;
- identity federation with the customer's directory and role definitions;
- a network topology (hub-and-spoke or transit), DNS and connectivity to on premises;
- central logging, security monitoring and backup defaults;
- tagging and cost allocation rules.

We build it first because retrofitting these controls after dozens of teams have created resources is slow and risky; with a landing zone, each new workload is compliant on day one and the security team approves the pattern once instead of every project.`
			],
			'brisk-small': ['A landing zone is the region where you deploy your first VM.'],
			'verbose-tuned': [
				padded(
					`A landing zone is a well-architected, multi-account or multi-subscription cloud environment that serves as a starting point for organisations to deploy their workloads. Think of it as the foundation of a house: before you build the rooms, you need a solid base.

A typical landing zone includes:
- An account or subscription structure
- Identity and access management
- Networking
- Security controls and guardrails
- Logging and monitoring
- Cost management and tagging

We propose a landing zone before the first migration because it ensures that every workload is deployed in a secure, compliant and consistent manner. Without a landing zone, teams might create resources in an ad hoc way, which can lead to security risks, higher costs and operational complexity that is hard to fix later.`,
					21
				)
			]
		}
	},
	{
		id: 'cld-09',
		category: 'cloud-presales',
		tags: ['architecture', 'serverless', 'kubernetes'],
		turns: [
			'A customer has an API with very spiky traffic (idle most of the night, 50× peaks at lunch) and a p95 latency target of 50 ms. Kubernetes or serverless functions?'
		],
		answers: {
			'atlas-large': [
				`Lean towards **serverless functions with provisioned concurrency** (or a container service that scales to a warm minimum), with one caveat:

- The 50× spikes and idle nights are exactly where pay-per-request wins; a Kubernetes cluster would be sized for the peak or rely on node autoscaling, which takes minutes.
- The risk is **cold starts**: a cold start of hundreds of milliseconds breaks a 50 ms p95. Keep a provisioned/warm minimum sized for the lunch ramp, use a lightweight runtime, and keep dependencies small.
- Choose Kubernetes instead if the team already runs it well, if per-request costs at the sustained peak exceed the cost of nodes, or if the API needs long-lived connections.

Prove it with a load test that replays the lunch ramp and measures p95 including cold starts.`
			],
			'brisk-small': ['Kubernetes, because serverless is always slower.'],
			'verbose-tuned': [
				padded(
					`Both Kubernetes and serverless functions are excellent technologies, and each has its own strengths and weaknesses. The right choice depends on many factors.

**Serverless functions** are great for workloads with unpredictable or spiky traffic, because they scale automatically and you only pay for what you use. However, they can suffer from cold starts, which may increase latency when a new instance is started.

**Kubernetes** gives you more control over the environment and can provide very consistent performance. However, it requires more operational effort, and scaling nodes up and down can take time.

For an API with very spiky traffic, serverless functions are often a good fit. To meet the 50 ms p95 latency target, you should consider features such as provisioned concurrency to reduce cold starts. If the team already has strong Kubernetes skills, a Kubernetes-based solution with autoscaling could also work well.

I would recommend running a proof of concept to compare both options under realistic load.`,
					22
				)
			]
		}
	}
];
