import { en } from './en/index.js';

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const catalogues: Record<string, Record<MessageKey, string>> = { en };

export const defaultLocale = 'en';

/** All user-visible text comes from the catalogue; `{name}` placeholders are filled from params. */
export function translator(locale: string = defaultLocale): Translate {
  const messages = catalogues[locale] ?? en;
  return (key, params) => {
    const template = messages[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : template;
  };
}

export const t = translator();
