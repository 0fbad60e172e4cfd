export { default as SafeMarkdown } from './safe-markdown.svelte';
