import { accounts } from './accounts.js';
import { admin } from './admin.js';
import { common } from './common.js';

export const en = { ...common, ...accounts, ...admin };
