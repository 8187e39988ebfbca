import { createContext } from 'svelte';
import type { LedgerService } from '../../app/service';
import type { AccountDirectory } from '../state/accounts.svelte';

/** What every screen may use: the service facade and the shared, live account list. */
export interface AppContext {
  service: LedgerService;
  accounts: AccountDirectory;
}

export const [getApp, setApp] = createContext<AppContext>();
