import { t, type MessageKey } from '../i18n/index.js';
import { formatNumber } from './format.js';

type Details = Record<string, unknown> | null | undefined;
type SettingsSnapshot = { extranetEnabled?: unknown; seatLimit?: unknown; uploadLimitMb?: unknown };

const SETTING_LABELS: Record<keyof SettingsSnapshot, MessageKey> = {
  extranetEnabled: 'admin.settings.extranet',
  seatLimit: 'admin.settings.seatLimit',
  uploadLimitMb: 'admin.settings.uploadLimit',
};

function settingValue(value: unknown): string {
  if (value === true) return t('audit.value.on');
  if (value === false) return t('audit.value.off');
  if (value === null || value === undefined) return t('audit.value.none');
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

/** "Seat limit: none → 50; Extranet: on → off": only the settings that changed. */
function settingsChange(details: Details): string {
  const before = (details?.before ?? {}) as SettingsSnapshot;
  const after = (details?.after ?? {}) as SettingsSnapshot;
  const changed = (Object.keys(SETTING_LABELS) as (keyof SettingsSnapshot)[]).filter((k) => before[k] !== after[k]);
  if (changed.length === 0) return t('audit.settings.unchanged');
  return changed.map((k) => t('audit.settings.change', { setting: t(SETTING_LABELS[k]), before: settingValue(before[k]), after: settingValue(after[k]) })).join('; ');
}

/** What an audit entry's details say to an administrator, in words; empty when they add nothing. */
export function describeAuditDetails(action: string, details: Details): string {
  if (action === 'settings.update') return settingsChange(details);
  const name = details?.name ?? details?.member;
  if (typeof name === 'string') return t('audit.detail.person', { name });
  return '';
}
