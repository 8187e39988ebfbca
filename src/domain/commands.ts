/** Imperative requests. Amounts arrive as the strings a person typed. */
interface Command<Type extends string, Data> {
  type: Type;
  /** Client-generated; the same id submitted twice takes effect once. */
  commandId: string;
  data: Data;
}

export type OpenAccount = Command<
  'OpenAccount',
  { accountId: string; ownerName: string; currency: string; initialDeposit?: string }
>;
export type Deposit = Command<'Deposit', { accountId: string; amount: string; description?: string }>;
export type Withdraw = Command<'Withdraw', { accountId: string; amount: string; description?: string }>;
export type Transfer = Command<
  'Transfer',
  { fromAccountId: string; toAccountId: string; amount: string; description?: string }
>;
export type CloseAccount = Command<'CloseAccount', { accountId: string; reason?: string }>;

export type AccountCommand = OpenAccount | Deposit | Withdraw | CloseAccount;
export type LedgerCommand = AccountCommand | Transfer;
