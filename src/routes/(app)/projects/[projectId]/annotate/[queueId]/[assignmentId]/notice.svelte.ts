/** What the last action did ("label saved for …"), announced on the page the workspace moves on to. */
export const notice = $state({ text: '' });
