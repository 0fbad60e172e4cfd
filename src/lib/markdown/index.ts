export { renderMarkdown, renderPlain, renderDefaults } from './render';
export type { RenderOptions, RenderResult, RenderMode, FallbackReason } from './render';
export { safeImageUrl, safeLinkUrl } from './url-policy';
export { imageButtonClass } from './image-placeholder';
