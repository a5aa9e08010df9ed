import { expect } from 'chai';
import { isRichValue, richValue } from '../../connector/model/richValue.js';
import type { TemplateValue } from '../../connector/model/finding.js';
import { renderPlain, renderRich, renderUnlessAllEmpty } from '../../connector/templates/renderText.js';

describe('templates/renderText', () => {
  it('renders a changed template string as written, not the compiled form of an earlier one', () => {
    const ctx = { QID: '42', PORT: '' };
    expect(renderPlain('QID ${QID}', ctx)).to.equal('QID 42');
    expect(renderPlain('QID ${QID}!', ctx)).to.equal('QID 42!');
    expect(renderPlain('${?}Port ${PORT}\nQID ${QID}', ctx)).to.equal('QID 42');
    expect(renderPlain('${?}Port ${PORT}\nQID ${QID}', { ...ctx, PORT: '443' })).to.equal('Port 443\nQID 42');
    expect(renderPlain('Port ${PORT}\nQID ${QID}', ctx)).to.equal('Port \nQID 42');
  });

  it('keeps link pieces, merges plain ones and leaves out empty optional lines in rich renders', () => {
    const ctx = { V: richValue([{ text: 'See ' }, { text: 'advisory', href: 'https://a.example/1' }, { text: '.' }]), E: '', N: 7 };
    expect(renderRich('${?}empty ${E}\nA ${N} ${V}\n${?}${E}${N}', ctx)).to.deep.equal([
      { text: 'A ', value: false },
      { text: '7', value: true },
      { text: ' ', value: false },
      { text: 'See ', value: true },
      { text: 'advisory', value: true, href: 'https://a.example/1' },
      { text: '.', value: true },
      { text: '\n', value: false },
      { text: '7', value: true },
    ]);
    expect(renderPlain('A ${V}', ctx)).to.equal('A See advisory [https://a.example/1].');
  });

  it('says when every placeholder rendered empty, once per render', () => {
    expect(renderUnlessAllEmpty('port-${PORT}', { PORT: '' })).to.equal(undefined);
    expect(renderUnlessAllEmpty('port-${PORT}', { PORT: 80 })).to.equal('port-80');
    expect(renderUnlessAllEmpty('fixed', {})).to.equal('fixed');
    expect(renderUnlessAllEmpty('${?}x ${A}\n${B}', { A: '', B: '' })).to.equal(undefined);
  });

  it('takes a value as rich exactly when richValue could have made it (anything else renders as its text)', () => {
    const values: Array<[TemplateValue, boolean]> = [
      [richValue([{ text: 'a' }, { text: 'b', href: 'https://b.example' }]), true],
      [{ content: 'x', rich: [] }, true],
      [{ content: 'x', rich: [{ text: 'a', href: 5 }] }, false],
      [{ content: 'x', rich: [{ text: 1 }] }, false],
      [{ content: 'x', rich: [null] }, false],
      [{ content: 'x', rich: [['a']] }, false],
      [{ content: 1, rich: [] }, false],
      [{ content: 'x', rich: 'no' }, false],
      [{ content: 'x' }, false],
      [['a'], false],
      ['text', false],
      [null, false],
    ];
    for (const [v, rich] of values) expect(isRichValue(v), JSON.stringify(v)).to.equal(rich);
    expect(renderRich('${V}', { V: { content: 'plain', rich: [{ text: 1 }] } })).to.deep.equal([{ text: 'plain', value: true }]);
  });
});
