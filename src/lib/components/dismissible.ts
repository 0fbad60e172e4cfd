/**
 * `use:dismissible` on a <details> drop-down: a click outside it or Escape
 * closes it (Escape returns focus to its summary), as people expect of menus.
 */
export function dismissible(menu: HTMLDetailsElement) {
	const onClick = (event: MouseEvent) => {
		if (menu.open && !menu.contains(event.target as Node)) menu.open = false;
	};
	const onKey = (event: KeyboardEvent) => {
		if (event.key === 'Escape' && menu.open) {
			menu.open = false;
			menu.querySelector('summary')?.focus();
		}
	};
	document.addEventListener('click', onClick);
	document.addEventListener('keydown', onKey);
	return {
		destroy() {
			document.removeEventListener('click', onClick);
			document.removeEventListener('keydown', onKey);
		}
	};
}
