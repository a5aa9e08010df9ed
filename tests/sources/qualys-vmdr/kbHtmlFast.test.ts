import { expect } from 'chai';
import { converterMarked, simpleHtmlToMarked } from '../../../connector/sources/qualys-vmdr/kbHtml.js';

/** A small deterministic generator (mulberry32): the same texts on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Tokens of the simple kind, plus some the fast path must leave to html-to-text. */
const TOKENS = [
  '<P>', '</P>', '<p>', '</p>', '<BR>', '<br/>', '<BR />', '<A HREF="https://example.com/qid/1" TARGET="_blank">', '<a href="u">',
  '</A>', '</a>', '&amp;', '&lt;', '&gt;', '&quot;', ' ', '  ', ' ', 'word', 'Word.', 'x', '1.2', '\u00e9t\u00e9', '(see)', '"q"', ':',
  'a', 'b', 'c', ' ', 'QID', ' d ', 'e ', ' f',
];
const OTHERS = ['<B>', '</B>', '\n', '\t', '&nbsp;', '& ', '<A HREF="#top">', '<A HREF="">', '<IMG SRC="x">', '\u200b', '\u00a0', '<', '<DIV>', '&#39;'];

describe('qualys-vmdr/kbHtml fast path', () => {
  it('gives exactly what html-to-text gives for texts of <P>, <BR>, <A HREF>, four entities and spaces', () => {
    const next = random(15);
    let fast = 0;
    for (let n = 0; n < 20000; n++) {
      const count = 1 + Math.floor(next() * 14);
      let html = '';
      for (let k = 0; k < count; k++) {
        html += next() < 0.04 ? OTHERS[Math.floor(next() * OTHERS.length)] : TOKENS[Math.floor(next() * TOKENS.length)];
      }
      const got = simpleHtmlToMarked(html);
      if (got === undefined) continue;
      fast++;
      expect(got, JSON.stringify(html)).to.equal(converterMarked(html));
    }
    // The comparison is worth something only if many texts took the fast path.
    expect(fast).to.be.greaterThan(3000);
  });

  it('takes the simulator and KB sample shapes, and leaves others to html-to-text', () => {
    const sim =
      '<P>QID 7 was detected.<BR>The installed version is affected &amp; exploitable.</P><P>See <A HREF="https://example.com/qid/7" TARGET="_blank">advisory 7</A>.</P>';
    expect(simpleHtmlToMarked(sim)).to.equal(converterMarked(sim));
    for (const html of ['<B>Note:</B> x', 'a &nbsp; b', 'line\nbreak', '<P>a<P>b</P>', 'a</P>', '<A HREF="#x">y</A>', 'a < b', '<A HREF="u">open']) {
      expect(simpleHtmlToMarked(html), html).to.equal(undefined);
    }
  });
});
