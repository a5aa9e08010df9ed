#!/usr/bin/env node
import { describeError } from '../errors.js';
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`vulnbridge: ${describeError(err)}\n`);
    process.exitCode = 2;
  },
);
