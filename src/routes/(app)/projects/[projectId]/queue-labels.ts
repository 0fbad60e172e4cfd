/** Localized words for annotation queue codes, shared by the annotator and the admin pages. */
import { m } from '$lib/paraglide/messages.js';

export type QueueStatus = 'open' | 'paused' | 'closed';

export function queueStatusLabel(status: QueueStatus): string {
	if (status === 'open') return m.queue_status_open();
	if (status === 'paused') return m.queue_status_paused();
	return m.queue_status_closed();
}

export function modeLabel(mode: 'pairwise' | 'pointwise'): string {
	return mode === 'pairwise' ? m.queue_mode_pairwise() : m.queue_mode_pointwise();
}

/** Seconds as m:ss (or h:mm:ss), for active time. */
export function formatSeconds(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	const h = Math.floor(s / 3600);
	const mm = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
