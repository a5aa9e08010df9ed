import { expect } from 'chai';
import { toPlain } from '../../../connector/templates/format/toPlain.js';

describe('templates/format/toPlain', () => {
  it('joins segments without escaping and cleans control characters', () => {
    expect(toPlain([{ text: 'a *', value: false }, { text: '[x]\r\n\u0000y', value: true }])).to.equal('a *[x]\ny');
  });

  it('truncates with a note when a limit is given', () => {
    const out = toPlain([{ text: 'x'.repeat(200), value: true }], 80);
    expect(out.length).to.be.at.most(80);
    expect(out).to.match(/^x+\n\n\[truncated by vulnbridge: \d+ characters omitted\]$/);
    const kept = out.indexOf('\n');
    expect(out).to.include(`${200 - kept} characters omitted`);
  });
});
