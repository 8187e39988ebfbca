import { quoted } from '../../domain/errors';
import { ServerError } from '../errors';

/**
 * JSON schemas check the shape of every input: the fields there are, and their JSON types. What a value may
 * be (an amount's digits, an id's characters, a name's length) is the domain's rule, checked once, there.
 */

const text = { type: 'string' } as const;
// A JSON number passes to the domain, which refuses it in words: "must be a decimal string such as "12.50", not the number 0.1".
const amount = { type: ['string', 'number'] } as const;

function object(properties: Record<string, object>, required: string[] = []) {
  return { type: 'object', properties, required, additionalProperties: false } as const;
}

export const openAccountBody = object({ owner_name: text, initial_deposit: amount, currency: text, account_id: text }, ['owner_name']);
export const moneyBody = object({ amount, description: text }, ['amount']);
export const transferBody = object({ to_account_id: text, amount, description: text }, ['to_account_id', 'amount']);
export const closeBody = object({ reason: text });
export const accountParams = object({ id: text }, ['id']);
export const pageQuery = object({ limit: text, offset: text });
export const logQuery = object({ after: text, limit: text });
export const streamQuery = object({ after_version: text, limit: text });

/** A whole-number query parameter within bounds, or `fallback` when it is absent. */
export function wholeParam(value: string | undefined, name: string, range: { fallback: number; min: number; max: number }): number {
  if (value === undefined) return range.fallback;
  // Sixteen digits reach Number.MAX_SAFE_INTEGER; any more are past every range here.
  const number = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!(number >= range.min && number <= range.max)) {
    throw new ServerError('INVALID_REQUEST', 400, `The query parameter "${name}" must be a whole number from ${range.min} to ${range.max}.`);
  }
  return number;
}

interface SchemaIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A schema refusal in words, naming the field at fault. */
export function describeIssue(context: string | undefined, issue: SchemaIssue): string {
  const kind = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'field';
  const field = issue.instancePath.slice(1).replaceAll('/', '.');
  switch (issue.keyword) {
    case 'required':
      return `The ${kind} "${String(issue.params.missingProperty)}" is required.`;
    case 'additionalProperties':
      return `${quoted(issue.params.additionalProperty)} is not a ${kind} of this request.`;
    case 'type': {
      if (field === '') return 'The request body must be a JSON object.';
      const types = ([] as unknown[]).concat(issue.params.type);
      const wanted = types.includes('number') ? 'a decimal string such as "12.50"' : types.includes('string') ? 'a string' : `of type ${types.join(' or ')}`;
      return `The ${kind} "${field}" must be ${wanted}.`;
    }
    default:
      return `The ${kind} "${field}" ${issue.message ?? 'is not valid'}.`;
  }
}
