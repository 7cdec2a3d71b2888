import type { MessageKey } from '../index.js';
import { accounts } from './accounts.js';
import { admin } from './admin.js';
import { calendar } from './calendar.js';
import { chat } from './chat.js';
import { common } from './common.js';
import { extranet } from './extranet.js';
import { feed } from './feed.js';
import { fields } from './fields.js';
import { files } from './files.js';
import { groups } from './groups.js';
import { signIn } from './sign-in.js';
import { mail } from './mail.js';
import { social } from './social.js';
import { members } from './members.js';
import { tasks } from './tasks.js';
import { board } from './board.js';

/** German, Sie-form. Each file mirrors its English one and is typed by it, so a missing key does not compile. */
export const de: Record<MessageKey, string> = { ...common, ...accounts, ...admin, ...groups, ...members, ...extranet, ...tasks, ...feed, ...files, ...calendar, ...chat, ...signIn, ...mail, ...board, ...social, ...fields };
