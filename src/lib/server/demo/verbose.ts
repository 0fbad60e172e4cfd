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

const openersZh = [
	'这是一个非常好的问题！这个话题经常被问到，值得我们花一点时间，一步一步地仔细梳理，确保不遗漏任何重要的细节。在正式回答之前，我想先说明一下整体思路：先介绍相关的背景知识，再分析问题的关键所在，最后给出具体的建议和总结。',
	'感谢您的提问。这是一个非常重要、也非常有意思的领域，在给出完整而全面的回答之前，有几个方面值得我们详细考虑。为了让回答更加清晰易懂，我会把内容分成几个部分来讲，每个部分都会尽量结合实际情况进行说明。',
	'当然，很乐意为您解答！首先我会用自己的话把问题复述一遍，确保我们理解一致，然后再逐条说明其中的要点。这个问题看起来简单，但实际上涉及不少细节，下面我们就一起来仔细看一看。',
	'这是一个很有代表性的问题。很多人一开始都会对此感到困惑，所以我会尽量把背景知识和实际细节都讲清楚、讲全面。希望通过下面的说明，您能够对这个问题有一个系统而完整的认识。'
];

const closersZh = [
	'综上所述，以上就是需要关注的主要方面。希望这个详细的解释对您有所帮助！如果还有任何疑问，或者希望我展开说明其中某一部分，欢迎随时提出，我会尽力为您进一步解答。',
	'最后再总结一下：以上内容涵盖了这个问题的主要方面。当然，每个实际情况都有所不同，建议结合相关文档并咨询专业人士，根据具体情况做出判断。总之，认真规划、注重细节总是值得的。',
	'希望这份全面的概述对您有用。归根结底，最合适的做法取决于您的具体情况、需求和限制条件，请仔细评估上面的每一点。如果您愿意提供更多背景信息，我也可以给出更有针对性的建议。'
];

/** The same habit in Chinese, for the Chinese demo set. */
export function paddedZh(body: string, seed: number): string {
	const opener = openersZh[seed % openersZh.length];
	const closer = closersZh[(seed * 7 + 3) % closersZh.length];
	return `${opener}\n\n${body.trim()}\n\n${closer}`;
}
