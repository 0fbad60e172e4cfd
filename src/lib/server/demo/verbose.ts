/**
 * The `verbose-tuned` system's habit: a warm preamble before the substance and
 * a recap after it. The padding carries no information, which is the point —
 * a judge that prefers these answers is rewarding length, not content.
 * Openers and closers rotate by a fixed seed so the dataset is deterministic.
 */
const openers = [
	'Great question! This is a topic that comes up often, and it is worth taking a moment to walk through it carefully and thoroughly, step by step, so that nothing important is missed along the way.',
	'Thank you for asking this. It is a really important and interesting area, and there are several aspects worth considering in detail before arriving at a complete and well-rounded answer.',
	'Absolutely, I would be happy to help with this! Let me start by restating the question in my own words to make sure we are on the same page, and then I will go through the key points one by one.',
	'This is an excellent and very relevant question. Many people find this confusing at first, so I will try to explain it as clearly and comprehensively as possible, covering the background as well as the practical details.',
	'Certainly! Before diving in, it is helpful to set the context, because understanding the broader picture makes the specific answer much easier to follow and to apply in practice.',
	'What a thoughtful question. There is quite a lot to say here, so I have organised my answer into a few parts, and I will summarise everything at the end for convenience.'
];

const closers = [
	'In summary, as discussed above, the key points are the ones listed. I hope this detailed explanation helps! Please do not hesitate to ask if you have any further questions or would like me to elaborate on any part of this answer.',
	'To recap everything once more: the considerations above cover the main aspects of the question. Of course, every situation is different, so it is always a good idea to consult the relevant documentation and experts for your specific case.',
	'I hope this comprehensive overview has been useful. Ultimately, the best approach will depend on your particular circumstances, requirements and constraints, so take the time to evaluate each point carefully.',
	'Overall, this is a nuanced topic with many facets, and the explanation above should give you a solid foundation. Feel free to follow up with any additional questions — I am always happy to help further!',
	'To conclude, keeping all of these factors in mind will help you reach a well-informed decision. Remember that careful planning and attention to detail are always worthwhile in matters like this one.'
];

/** Wraps `body` in the rotating preamble and recap; `seed` picks the pair. */
export function padded(body: string, seed: number): string {
	const opener = openers[seed % openers.length];
	const closer = closers[(seed * 7 + 3) % closers.length];
	return `${opener}\n\n${body.trim()}\n\n${closer}`;
}
