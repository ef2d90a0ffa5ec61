// The demo's simulated t.me renders every sample post as the web preview
// does, and the web-preview parser reads it back: the text must come back
// exactly as the export has it, or collecting an imported channel would
// record spurious edits. 800+ real-looking posts in three languages also
// exercise the parser far beyond its fixtures.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flattenText } from '../../services/exports/telegram-desktop.ts';
import { liveSampleChannel, messageHtml, publishNext } from '../../services/samples/live.ts';
import { readSampleManifest, SAMPLES_DIR } from '../../services/samples/load.ts';
import { renderPreviewPage } from '../../services/samples/tme-pages.ts';
import { parsePreviewPage } from '../../services/web-preview/parse.ts';

describe('sample channels through the simulated web preview', () => {
  it('every post comes back with the exact text of the export', async () => {
    let checked = 0;
    for (const sample of await readSampleManifest()) {
      const doc = JSON.parse(await readFile(join(SAMPLES_DIR, sample.export), 'utf8')) as { messages: Array<{ id: number; type: string; text: unknown; text_entities?: unknown }> };
      const expected = new Map(doc.messages.filter((m) => m.type === 'message').map((m) => [m.id, flattenText(m.text_entities ?? m.text, String(m.id)).text]));
      const { channel } = await liveSampleChannel(SAMPLES_DIR, sample, '', 0);
      const seen = new Map<number, string>();
      let before: number | null = null;
      for (;;) {
        const page = parsePreviewPage(renderPreviewPage(channel, before));
        for (const p of page.posts) seen.set(p.messageId, p.text);
        if (!page.hasOlder || page.posts.length === 0) break;
        before = Math.min(...page.posts.map((p) => p.messageId));
      }
      expect(seen.size, sample.username).toBe(expected.size);
      for (const [id, text] of expected) {
        expect(seen.get(id), `${sample.username}/${id}`).toBe(text);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(800);
  });

  it('renders entities as the tags t.me uses, escaping the text', () => {
    const text = 'Срочно <b>: #КНДР @rybar\nчитать';
    const html = messageHtml(text, [
      { type: 'bold', offset: 0, length: 6 },
      { type: 'hashtag', offset: 12, length: 5 },
      { type: 'mention', offset: 18, length: 6 },
      { type: 'text_link', offset: 25, length: 6, url: 'https://example.org/?a=1&b=2' },
    ]);
    expect(html).toBe(
      '<b>Срочно</b> &lt;b&gt;: <a href="?q=%23%D0%9A%D0%9D%D0%94%D0%A0">#КНДР</a> <a href="https://t.me/rybar">@rybar</a><br/>' +
        '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener">читать</a>',
    );
  });

  it('holds back the newest posts and publishes them oldest first, channels in turn', async () => {
    const [a, b] = (await readSampleManifest()).slice(0, 2);
    const live = [await liveSampleChannel(SAMPLES_DIR, a!, '', 2), await liveSampleChannel(SAMPLES_DIR, b!, '', 1)];
    const hiddenA = live[0]!.heldBack.map((p) => p.id);
    expect(hiddenA).toHaveLength(2);
    expect(Math.max(...live[0]!.channel.posts.map((p) => p.id))).toBeLessThan(hiddenA[0]!);
    expect(publishNext(live, 0)?.id).toBe(hiddenA[0]);
    expect(publishNext(live, 1)?.id).toBe(live[1]!.channel.posts.at(-1)!.id);
    expect(publishNext(live, 2)?.id).toBe(hiddenA[1]);
    expect(publishNext(live, 3)).toBeNull();
  });
});
