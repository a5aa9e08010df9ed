import { expect } from 'chai';
import { resolvePath, stringifyValue } from '../../connector/templates/stringifyValue.js';
import { renderRich } from '../../connector/templates/renderText.js';
import type { TemplateContext, TemplateValue } from '../../connector/model/finding.js';

describe('templates/stringifyValue', () => {
  it('trims strings (CDATA padding) and stringifies numbers and booleans', () => {
    expect(stringifyValue('\n   Windows 2016   \n')).to.equal('Windows 2016');
    expect(stringifyValue(95)).to.equal('95');
    expect(stringifyValue(7.8)).to.equal('7.8');
    expect(stringifyValue(false)).to.equal('false');
    expect(stringifyValue(Number.NaN)).to.equal('');
    expect(stringifyValue(null)).to.equal('');
    expect(stringifyValue(undefined)).to.equal('');
  });

  it('joins arrays with ", " and drops empty items', () => {
    expect(stringifyValue(['a', ' ', 2, null, ['b', 'c']])).to.equal('a, 2, b, c');
  });

  it('reads objects the org.json way: content, then NAME, then a single key, else JSON', () => {
    expect(stringifyValue({ content: ' 95 ', severity: 'CRITICAL' })).to.equal('95');
    expect(stringifyValue({ TAG_ID: '1', NAME: 'DMZ' })).to.equal('DMZ');
    expect(stringifyValue({ TAG: [{ TAG_ID: '1', NAME: 'a' }, { NAME: 'b' }] })).to.equal('a, b');
    expect(stringifyValue({ a: '1', b: 2 })).to.equal('{"a":"1","b":2}');
    expect(stringifyValue({})).to.equal('');
  });

  it('does not overflow on hostile nesting', () => {
    let deep: TemplateValue = 'x';
    for (let i = 0; i < 10000; i++) deep = [deep];
    expect(stringifyValue(deep)).to.equal('');
  });

  it('resolves dotted paths, mapping over arrays on the way', () => {
    const ctx: TemplateContext = {
      QDS: { content: '95', severity: 'CRITICAL' },
      VULN: { CVE_LIST: { CVE: [{ ID: 'CVE-1' }, { ID: 'CVE-2' }, { URL: 'u' }] } },
      PLAIN: '35',
    };
    expect(resolvePath(ctx, 'QDS.severity')).to.equal('CRITICAL');
    expect(resolvePath(ctx, 'VULN.CVE_LIST.CVE.ID')).to.deep.equal(['CVE-1', 'CVE-2']);
    expect(resolvePath(ctx, 'PLAIN.content')).to.equal('35');
    expect(resolvePath(ctx, 'PLAIN.other')).to.equal(undefined);
    expect(resolvePath(ctx, 'NOPE.x')).to.equal(undefined);
    expect(resolvePath(ctx, 'constructor')).to.equal(undefined);
  });

  it('renders placeholders into value segments and template text into text segments', () => {
    expect(renderRich('IP ${IP}, DNS ${DNS}${NONE}!', { IP: '10.0.0.1', DNS: 'h' })).to.deep.equal([
      { text: 'IP ', value: false },
      { text: '10.0.0.1', value: true },
      { text: ', DNS ', value: false },
      { text: 'h', value: true },
      { text: '!', value: false },
    ]);
  });
});
