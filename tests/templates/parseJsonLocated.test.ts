import { expect } from 'chai';
import { JsonSyntaxError, parseJsonLocated } from '../../connector/templates/parseJsonLocated.js';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonLocated(text);
  } catch (err) {
    expect(err).to.be.instanceOf(JsonSyntaxError);
    return err as JsonSyntaxError;
  }
  expect.fail('expected a JsonSyntaxError');
}

describe('templates/parseJsonLocated', () => {
  it('parses like JSON.parse', () => {
    const text = '\uFEFF{"a": [1, -2.5e3, "x\\n\\u00e9", true, false, null], "b": {}}';
    expect(parseJsonLocated(text).value).to.deep.equal(JSON.parse(text.slice(1)));
  });

  it('records the line of every path', () => {
    const { lines } = parseJsonLocated('{\n  "t": {\n    "labels": [\n      "a",\n      "b"\n    ]\n  }\r\n}');
    expect(lines['t']).to.equal(2);
    expect(lines['t.labels']).to.equal(3);
    expect(lines['t.labels[1]']).to.equal(5);
  });

  it('locates syntax errors by line and column', () => {
    expect(syntaxError('{\n  "a": 1\n  "b": 2\n}').location).to.deep.equal({ line: 3, column: 3 });
    expect(syntaxError('{"a": x}').message).to.equal("expected a value, found 'x'");
    expect(syntaxError('{"a": 1,}').message).to.equal("trailing comma before '}' is not allowed in JSON");
    expect(syntaxError('{"a": "line\nbreak"}').message).to.match(/^raw line break/);
    expect(syntaxError('{"a": "open').message).to.equal('unterminated string');
    expect(syntaxError('// c\n{}').message).to.equal('comments are not allowed in JSON');
    expect(syntaxError('{"a": 1} x').message).to.equal("unexpected 'x' after the end of the document");
    expect(syntaxError('{"a": ').message).to.equal('expected a value, found the end of the file');
    expect(syntaxError('[01]').message).to.equal("expected ',' or ']' in the list, found '1'");
  });

  it('reports duplicate keys and keeps __proto__ a plain key', () => {
    const { value, duplicateKeys } = parseJsonLocated('{"a": 1,\n "a": 2, "__proto__": {"polluted": true}}');
    expect(duplicateKeys).to.deep.equal([{ path: 'a', line: 2 }]);
    expect((value as Record<string, unknown>).a).to.equal(2);
    expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
    expect(Object.keys(value as object)).to.deep.equal(['a', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
