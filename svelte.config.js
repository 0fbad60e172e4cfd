import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		// Runes everywhere in our code; third-party components keep their own mode.
		runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true)
	},
	kit: {
		// End-to-end runs build into their own folders (playwright.config.ts), so they never
		// swap the files of a running `npm start` or of another run in the same checkout.
		adapter: adapter({ out: process.env.CONCORD_BUILD_DIR ?? 'build' }),
		outDir: process.env.CONCORD_KIT_DIR ?? '.svelte-kit',
		// SvelteKit's own CSRF check covers form posts; tRPC JSON posts are checked in hooks.server.ts.
		csrf: { trustedOrigins: [] },
		// Defence in depth behind the Markdown sanitizer: even if hostile answer text slipped
		// through, the browser would run no inline or foreign script, load no plugin or frame,
		// and send no request to another host except images the reader chose to load.
		// SvelteKit adds hashes for its own inline start-up script (mode 'auto').
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Svelte sets inline style attributes (transitions, dynamic widths).
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'https:', 'http:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'frame-src': ['none'],
				'frame-ancestors': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
