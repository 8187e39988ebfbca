import { EventSchemaError, quoted } from './errors';
import { SCHEMA_VERSIONS, isEventType, type AccountEventType } from './events';

type Data = Record<string, unknown>;
type Upcaster = (data: Data) => Data;

/**
 * Upcasters turn an older shape into the next one: key "Type@v" lifts schema
 * version v to v+1. Stored events are never rewritten; they are lifted on read.
 */
const UPCASTERS: Record<string, Upcaster> = {
  // v1 called the owner `owner`.
  'AccountOpened@1': ({ owner, ...rest }) => ({ ...rest, ownerName: owner }),
  // v1 had no description.
  'MoneyDeposited@1': (data) => ({ description: '', ...data }),
  'MoneyWithdrawn@1': (data) => ({ description: '', ...data }),
};

export function upcast(type: unknown, schemaVersion: unknown, data: Data): { type: AccountEventType; data: Data } {
  if (!isEventType(type)) {
    throw new EventSchemaError('UNKNOWN_EVENT_TYPE', `Unknown event type ${quoted(type)}.`);
  }
  const current = SCHEMA_VERSIONS[type];
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new EventSchemaError(
      'UNSUPPORTED_SCHEMA_VERSION',
      `${type} has schema version ${quoted(schemaVersion)}; expected a whole number from 1 to ${current}.`,
    );
  }
  if (schemaVersion > current) {
    throw new EventSchemaError(
      'UNSUPPORTED_SCHEMA_VERSION',
      `${type} schema version ${schemaVersion} is newer than this app understands (${current}); update the app.`,
    );
  }
  let lifted = data;
  for (let v = schemaVersion; v < current; v++) {
    const step = UPCASTERS[`${type}@${v}`];
    if (!step) {
      throw new EventSchemaError('UNSUPPORTED_SCHEMA_VERSION', `No upcaster for ${type} schema version ${v}.`);
    }
    lifted = step(lifted);
  }
  return { type, data: lifted };
}
