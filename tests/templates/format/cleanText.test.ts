import { expect } from 'chai';
import { cleanText } from '../../../connector/templates/format/cleanText.js';

/** cleanText as it was before its fast path: the three replaces on every text. */
function cleanTextSlow(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

describe('templates/format/cleanText', () => {
  it('returns a clean text as it is, and cleans the rest', () => {
    const clean = 'QID 1: OpenSSL — 3 hosts\n\ttab 😀';
    expect(cleanText(clean)).to.equal(clean);
    expect(cleanText('a\r\nb\rc\u0000d\uFFFEe\uD800f\uDC00')).to.equal('a\nb\ncde\uFFFDf\uFFFD');
  });

  it('gives what the three replaces give, on random texts (the fast path changes no result)', () => {
    // Characters from each class the replaces treat apart, plus plain ones.
    const alphabet = ['a', ' ', '\n', '\r', '\t', '\u0000', '\u0008', '\u000B', '\u001F', '\u007F', '\u00e9', '\uD83D', '\uDE00', '\uFFFE', '\uFFFF', '\uFFFD'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let n = 0; n < 5000; n++) {
      let s = '';
      const len = next() % 12;
      for (let i = 0; i < len; i++) s += alphabet[next() % alphabet.length];
      expect(cleanText(s), JSON.stringify(s)).to.equal(cleanTextSlow(s));
    }
  });
});
