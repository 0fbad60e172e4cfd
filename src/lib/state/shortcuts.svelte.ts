/**
 * Whether single-key shortcuts (j/k and ←/→ on the item page) are on. WCAG 2.1.4
 * asks that character-key shortcuts can be turned off: a person using speech input
 * or a switch can trigger them by accident. The choice is kept per browser
 * (localStorage), on by default.
 */
const storageKey = 'concord:shortcuts';

class ShortcutSetting {
	enabled = $state(true);

	constructor() {
		if (typeof localStorage !== 'undefined') this.enabled = localStorage.getItem(storageKey) !== 'off';
	}

	set(on: boolean) {
		this.enabled = on;
		localStorage.setItem(storageKey, on ? 'on' : 'off');
	}
}

export const shortcuts = new ShortcutSetting();
