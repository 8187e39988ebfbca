import { mount } from 'svelte';
import { LedgerService } from './app/service';
import App from './ui/App.svelte';
import StartupFailure from './ui/StartupFailure.svelte';
import { handleError } from './ui/lib/handle-error';
import { startupHint, storageUnavailableMessage } from './pwa/startup-failure';
import './ui/styles/global.css';

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');

try {
  const service = await LedgerService.open('ledger');
  target.replaceChildren();
  mount(App, { target, props: { service } });
  service.startSync();
} catch (error) {
  // IndexedDB can be missing or blocked (private windows, storage turned off), or the ledger newer than this
  // copy of the app: say so instead of a blank page.
  target.replaceChildren();
  mount(StartupFailure, { target, props: { message: storageUnavailableMessage(error) ?? handleError(error), hint: startupHint(error) } });
}
