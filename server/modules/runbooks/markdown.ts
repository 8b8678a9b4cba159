import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Raw HTML in a runbook stays text (html: false); bare URLs become links, which the sanitiser
// then holds to the same scheme rules as written ones.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const linkSchemes = ['http', 'https', 'mailto'];
const absoluteLink = /^(https?:\/\/|mailto:)/i;
// A fresh object each time: the sanitiser may write to what a transform returns.
const noAttributes = (): sanitizeHtml.Attributes => ({});
const alignment = { 'text-align': [/^(left|right|center)$/] };

/**
 * The second line of defence, should markdown-it ever let markup through: only the tags a
 * runbook needs, no attribute but a link's href (http, https or mailto, never relative, so a
 * link cannot act inside the dashboard) and a table cell's alignment.
 */
const allowList: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'ul',
    'ol',
    'li',
    'code',
    'pre',
    'blockquote',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'a',
    'strong',
    'em',
    'hr',
    'br',
  ],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedStyles: { th: alignment, td: alignment },
  allowedSchemes: linkSchemes,
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // A tag that is not allowed goes; its text stays. <script> and <style> go with their content.
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript'],
  transformTags: {
    a: (tagName, attribs) => {
      const href = (attribs.href ?? '').trim();
      return absoluteLink.test(href)
        ? { tagName, attribs: { href, rel: 'noopener noreferrer nofollow' } }
        : { tagName, attribs: noAttributes() };
    },
    // No pictures in the dashboard (a remote image is a tracking beacon); a link to one, by its
    // alt text, keeps what the author meant.
    img: (_tagName, attribs) => {
      const src = (attribs.src ?? '').trim();
      const text = (attribs.alt ?? '').trim() || 'image';
      return /^https?:\/\//i.test(src)
        ? { tagName: 'a', attribs: { href: src, rel: 'noopener noreferrer nofollow' }, text }
        : { tagName: 'a', attribs: noAttributes(), text };
    },
  },
};

/** A runbook's Markdown as HTML that is safe to put into the dashboard as it is. */
export function renderRunbook(body: string): string {
  return sanitizeHtml(markdown.render(body), allowList);
}
