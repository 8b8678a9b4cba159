import { describe, expect, it } from 'vitest';
import { renderRunbook } from '../../server/modules/runbooks/markdown.ts';

const allowedTags = new Set(
  'h1 h2 h3 h4 h5 h6 p ul ol li code pre blockquote table thead tbody tr th td a strong em hr br'.split(
    ' ',
  ),
);
const allowedAttributes = new Set(['href', 'rel', 'style', 'start']);

/**
 * Every tag in the output is an allowed one with allowed attributes, and every link is http,
 * https or mailto. Text can say anything: a `<` in text is always `&lt;`, so each `<` that is
 * left opens a real tag, and each must parse here.
 */
function expectInert(html: string) {
  for (const tag of ['<script', '<img', '<iframe', '<svg', '<style', '<div', '<object'])
    expect(html.toLowerCase()).not.toContain(tag);
  const tags = [...html.matchAll(/<\/?([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/g)];
  expect(tags.length).toBe(html.split('<').length - 1);
  for (const [, name = '', attributes = ''] of tags) {
    expect(allowedTags).toContain(name);
    for (const [, attribute = '', value = ''] of attributes.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)) {
      expect(allowedAttributes).toContain(attribute);
      if (attribute === 'href') expect(value).toMatch(/^(https?:\/\/|mailto:)/);
      if (attribute === 'style') expect(value).toMatch(/^text-align:(left|right|center)$/);
    }
  }
}

describe('runbook markdown', () => {
  it('renders what a runbook needs: headings, lists, code, quotes, tables, rules, links', () => {
    const html = renderRunbook(
      [
        '# Degraded array',
        '',
        'Check the **controller** log, then _replace_ the disk. Run `storcli /c0 show`.',
        '',
        '```',
        'storcli /c0/e252/s3 start rebuild',
        '```',
        '',
        '> Never pull two disks at once.',
        '',
        '| slot | state |',
        '|:-----|------:|',
        '| 3    | Rbld  |',
        '',
        '3. third',
        '4. fourth',
        '',
        '- a',
        '- b',
        '',
        '---',
        'line one  ',
        'line two',
        '',
        '[Vendor KB](https://kb.example.com/raid?a=1&b=2) or [mail](mailto:storage@example.com)',
      ].join('\n'),
    );
    expect(html).toContain('<h1>Degraded array</h1>');
    expect(html).toContain('<strong>controller</strong>');
    expect(html).toContain('<em>replace</em>');
    expect(html).toContain('<code>storcli /c0 show</code>');
    expect(html).toContain('<pre><code>storcli /c0/e252/s3 start rebuild\n</code></pre>');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<th style="text-align:left">slot</th>');
    expect(html).toContain('<td style="text-align:right">Rbld</td>');
    expect(html).toContain('<ol start="3">');
    expect(html).toContain('<ul>\n<li>a</li>');
    expect(html).toContain('<hr />');
    expect(html).toContain('line one<br />');
    expect(html).toContain(
      '<a href="https://kb.example.com/raid?a=1&amp;b=2" rel="noopener noreferrer nofollow">Vendor KB</a>',
    );
    expect(html).toContain(
      '<a href="mailto:storage@example.com" rel="noopener noreferrer nofollow">mail</a>',
    );
  });

  it('shows raw HTML as text', () => {
    const html = renderRunbook(
      'Before <script>alert(1)</script> after\n\n<script>alert(2)</script>',
    );
    expectInert(html);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<p>&lt;script&gt;alert(2)&lt;/script&gt;</p>');
  });

  it.each([
    ['an image with onerror', '<img src=x onerror=alert(1)>'],
    ['an svg with onload', '<svg onload=alert(1)>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['an event handler on a div', '<div onmouseover="alert(1)">hover</div>'],
    ['a raw javascript: link', '<a href="javascript:alert(1)">x</a>'],
    ['a style block', '<style>body{background:url(x)}</style>'],
    ['HTML inside a code span', '`<script>alert(1)</script>`'],
    ['HTML inside a fenced block', '```html\n<img src=x onerror=alert(1)>\n```'],
  ])('leaves %s inert', (_label, markdown) => {
    const html = renderRunbook(markdown);
    expectInert(html);
    expect(html).toContain('&lt;');
  });

  it.each([
    ['javascript:', '[x](javascript:alert(1))'],
    ['JavaScript: in mixed case', '[x](JaVaScRiPt:alert(1))'],
    ['an entity-encoded javascript:', '[x](&#106;avascript:alert(1))'],
    ['data:', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['vbscript:', '[x](vbscript:msgbox(1))'],
    ['an autolink to javascript:', '<javascript:alert(1)>'],
    ['a reference link to javascript:', '[x][r]\n\n[r]: javascript:alert(1)'],
  ])('makes no link of %s', (_label, markdown) => {
    const html = renderRunbook(markdown);
    expectInert(html);
    expect(html).not.toMatch(/href=/);
  });

  it('keeps a link to nowhere but http, https and mailto: relative and other schemes lose the href', () => {
    const html = renderRunbook(
      '[rel](/api/users) [proto](//evil.example) [anchor](#top) [ftp](ftp://files.example)',
    );
    expect(html).toBe('<p><a>rel</a> <a>proto</a> <a>anchor</a> <a>ftp</a></p>\n');
  });

  it('turns a Markdown image into a link to it (no remote pictures in the dashboard)', () => {
    const html = renderRunbook(
      '![rack 3 rear](https://wiki.example/rack3.png) ![x"><script>](data:image/png;base64,AAAA)',
    );
    expectInert(html);
    expect(html).toContain(
      '<a href="https://wiki.example/rack3.png" rel="noopener noreferrer nofollow">rack 3 rear</a>',
    );
    expect(html).toContain('<a>x"&gt;&lt;script&gt;</a>');
  });

  it('links bare URLs, but only safe ones', () => {
    const html = renderRunbook('See https://kb.example.com/nexis and javascript:alert(1)');
    expect(html).toBe(
      '<p>See <a href="https://kb.example.com/nexis" rel="noopener noreferrer nofollow">https://kb.example.com/nexis</a> and javascript:alert(1)</p>\n',
    );
  });

  it.each([
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    '<a href="data:text/html,x">x</a>',
    '<td style="background:url(x)">x</td>',
    '<p>x</p><script>alert(1)</script>',
  ])('(the checker itself refuses live markup: %s)', (html) => {
    expect(() => expectInert(html)).toThrow();
  });

  it('renders an empty body as nothing', () => {
    expect(renderRunbook('')).toBe('');
  });
});
