import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { SCHEMA_FILE, schemeJsonSchemaText } from '../../connector/templates/writeSchema.js';
import { HOST_LINKING, PER_DETECTION, REFERENCE_DIR, REFERENCE_FILES } from './paths.js';

describe('templates/writeSchema', () => {
  it('the committed templates/ticketing-scheme.schema.json is what the generator produces (run `npm run schema`)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).to.equal(schemeJsonSchemaText());
  });

  describe('the editor schema', () => {
    const schema = JSON.parse(schemeJsonSchemaText()) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

    for (const file of [...REFERENCE_FILES.map((f) => path.join(REFERENCE_DIR, f)), PER_DETECTION, HOST_LINKING]) {
      it(`accepts ${path.basename(file)}`, () => {
        const ok = validate(JSON.parse(readFileSync(file, 'utf8')));
        expect(ok, JSON.stringify(validate.errors)).to.equal(true);
      });
    }

    it('rejects an unknown key and an unknown operation word, as editors will show', () => {
      const doc = JSON.parse(readFileSync(PER_DETECTION, 'utf8'));
      doc.template.payload.lables = [];
      doc.template.metadata.operationMappings.Fixed = 'shut';
      expect(validate(doc)).to.equal(false);
      const where = (validate.errors ?? []).map((e) => e.instancePath);
      expect(where).to.include('/template/metadata/operationMappings/Fixed');
    });

    it('documents placeholder fallbacks and ${?} lines in every template text', () => {
      const text = schemeJsonSchemaText();
      expect(text).to.include('${A|B|C} is the first of A, B, C that is not empty (e.g. ${IP|IPV6|DNS|NETBIOS|ID})');
      expect(text).to.include('A line that starts with ${?} is left out when all its placeholders are empty.');
    });

    it('carries titles and descriptions for editor help', () => {
      expect(schema.title).to.equal('vulnbridge ticketing scheme');
      expect(schemeJsonSchemaText()).to.include('"title": "Operation mappings"');
    });
  });
});
