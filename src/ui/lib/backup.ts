import type { LogMeta } from '../../app/service';
import { formatCount, formatDateTime } from './format';

/** After this long, an export the log has moved past is worth a gentle reminder. */
export const BACKUP_AGE_DAYS = 7;
const DAY = 86_400_000;

export interface BackupState {
  /** When the ledger was last exported, in words. */
  text: string;
  /** A reminder to export, or null when the copy is recent enough (or there is nothing to keep). */
  reminder: string | null;
}

/** What the person is told about their last export of the ledger, as of `now`; null for an empty ledger. */
export function backupState(head: LogMeta, now: number = Date.now()): BackupState | null {
  if (head.position === 0) return null;
  const { exported } = head;
  if (!exported) {
    return {
      text: 'Not exported from this browser yet.',
      reminder: 'Export a copy and keep it somewhere safe: if this browser’s data is cleared, the copy is all there is.',
    };
  }
  const since = head.position - exported.position;
  const text = `Last exported ${formatDateTime(exported.at)}${since > 0 ? `; ${formatCount(since)} ${since === 1 ? 'event' : 'events'} since.` : '.'}`;
  const days = Math.floor((now - Date.parse(exported.at)) / DAY);
  const reminder = since > 0 && days >= BACKUP_AGE_DAYS ? `Your last export is ${formatCount(days)} days old: export a fresh copy to keep what has happened since.` : null;
  return { text, reminder };
}
