// Text into HTML (element content and double-quoted attributes): for the
// digest mail and the demo's simulated t.me pages.
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
