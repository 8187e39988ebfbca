import type { LedgerCommand } from '../../src/domain/commands';
import type { Outcome } from '../harness/api';
import type { Attempt } from '../harness/invariants';

/**
 * Deterministic command mixes for the browser stress tests. Amounts are made
 * from whole cents (bigint) and written as decimal strings.
 */

/** A small, seeded generator of whole numbers (mulberry32), so a failing run can be repeated. */
export function randomInts(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % below;
  };
}

export function centsText(cents: bigint): string {
  const padded = cents.toString().padStart(3, '0');
  return `${padded.slice(0, -2)}.${padded.slice(-2)}`;
}

export const ACCOUNTS = ['acc-1', 'acc-2', 'acc-3'];

/** Opens the shared accounts with a little money each: enough to move, little enough that overdrafts get refused. */
export function openAccounts(initial = '100.00'): LedgerCommand[] {
  return ACCOUNTS.map((accountId) => ({
    type: 'OpenAccount',
    commandId: `open-${accountId}`,
    data: { accountId, ownerName: `Owner ${accountId}`, currency: 'EUR', initialDeposit: initial },
  }));
}

export type Mix = 'mixed' | 'transfers' | 'cash';

/** `count` commands with ids `${tag}-${i}`: deposits, withdrawals and transfers in both directions. */
export function commandMix(tag: string, count: number, seed: number, mix: Mix = 'mixed'): LedgerCommand[] {
  const next = randomInts(seed);
  const pick = () => ACCOUNTS[next(ACCOUNTS.length)]!;
  const amount = () => (next(20) === 0 ? '0.001' : centsText(BigInt(1 + next(6000))));
  return Array.from({ length: count }, (_, i): LedgerCommand => {
    const commandId = `${tag}-${i}`;
    const roll = mix === 'transfers' ? 9 : mix === 'cash' ? next(6) : next(10);
    if (roll < 3) return { type: 'Deposit', commandId, data: { accountId: pick(), amount: amount() } };
    if (roll < 6) return { type: 'Withdraw', commandId, data: { accountId: pick(), amount: amount() } };
    return { type: 'Transfer', commandId, data: { fromAccountId: pick(), toAccountId: pick(), amount: amount() } };
  });
}

export function attemptOf(outcome: Outcome): Attempt {
  if (outcome.status === 'done') {
    return outcome.duplicate
      ? { commandId: outcome.commandId, answer: 'duplicate' }
      : { commandId: outcome.commandId, answer: 'fresh', wrote: outcome.wrote };
  }
  return { commandId: outcome.commandId, answer: 'refused' };
}
