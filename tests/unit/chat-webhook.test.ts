import { describe, expect, it } from 'vitest';
import { renderTest } from '../../server/modules/notifications/render.ts';
import { webhookBody } from '../../server/modules/notifications/senders.ts';

const options = { publicUrl: 'https://suitewatch.example', sentAt: new Date(0), timeoutMs: 1000 };

describe('chat webhook text', () => {
  it("escapes Slack's control characters in names people typed, so <!channel> pings nobody", () => {
    const rendered = renderTest('<!channel> & <https://evil.example|click>', 'admin');
    const { text } = webhookBody('chat', rendered, options);
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example');
  });

  it('leaves the generic JSON as typed: its receiver is a program, not Slack', () => {
    const rendered = renderTest('<!channel> & co', 'admin');
    const body = webhookBody('generic', rendered, options) as { title: string };
    expect(body.title).toContain('<!channel> & co');
  });
});
