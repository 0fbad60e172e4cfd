export { default as SafeMarkdown } from './SafeMarkdown.svelte';
