import { HttpAnswer } from './httpAnswer.js';

/** The JSON of a request body; throws a 400 HttpAnswer naming what is wrong with it. */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw new HttpAnswer(400, 'invalid JSON: the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpAnswer(400, 'invalid JSON: the body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpAnswer(400, `invalid JSON: ${(err as Error).message}`);
  }
}
