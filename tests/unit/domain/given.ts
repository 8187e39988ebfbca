import { expect } from 'vitest';
import { decide, initialState, replay, type AccountState } from '../../../src/domain/account';
import type { LedgerCommand } from '../../../src/domain/commands';
import type { ErrorCode, LedgerError } from '../../../src/domain/errors';
import type { AccountEvent } from '../../../src/domain/events';
import { decideTransfer } from '../../../src/domain/transfer';

/**
 * given(history).when(command).then(events) — the decider spec, after emmett's
 * DeciderSpecification. The history may span several accounts so that a
 * transfer can be decided over both of its streams.
 */

type ErrorClass<E extends LedgerError> = abstract new (...args: never[]) => E;

/** One state per account id, each folded from that account's own events. */
export function statesOf(history: readonly AccountEvent[]): Map<string, AccountState> {
  const streams = new Map<string, AccountEvent[]>();
  for (const event of history) {
    const stream = streams.get(event.data.accountId) ?? [];
    stream.push(event);
    streams.set(event.data.accountId, stream);
  }
  return new Map([...streams].map(([id, events]) => [id, replay(events)]));
}

/** Runs any command the way the app does: a transfer decides over two states, the others over one. */
function decideCommand(command: LedgerCommand, stateOf: (accountId: string) => AccountState): AccountEvent[] {
  if (command.type === 'Transfer') {
    const { fromAccountId, toAccountId } = command.data;
    const { sent, received } = decideTransfer(command, stateOf(fromAccountId), stateOf(toAccountId));
    return [sent, received];
  }
  return decide(command, stateOf(command.data.accountId));
}

export function given(history: readonly AccountEvent[] = []) {
  const states = statesOf(history);
  const stateOf = (accountId: string): AccountState => states.get(accountId) ?? initialState;
  return {
    when(command: LedgerCommand) {
      const run = (): AccountEvent[] => decideCommand(command, stateOf);
      return {
        then(expected: AccountEvent[]): void {
          expect(run()).toEqual(expected);
        },
        /** Asserts the refusal and hands the error back for checks of its own fields. */
        thenThrows<E extends LedgerError>(errorClass: ErrorClass<E>, code: ErrorCode, message?: string | RegExp): E {
          let refusal: unknown;
          let accepted: AccountEvent[] | undefined;
          try {
            accepted = run();
          } catch (error) {
            refusal = error;
          }
          if (accepted) expect.fail(`expected ${code}, but the command was accepted: ${JSON.stringify(accepted)}`);
          expect(refusal).toBeInstanceOf(errorClass);
          const error = refusal as E;
          expect(error.code).toBe(code);
          if (message !== undefined) expect(error.message).toMatch(message);
          return error;
        },
      };
    },
  };
}
