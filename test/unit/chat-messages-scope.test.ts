// Issue 16, R-F4, R-X4: a conversation's messages are read with its kind's visibility rule alone (the pkey, not a
// walk through every conversation). Told the wrong kind, or read by someone outside, they are never shown.
import t from 'tap';
import { Model } from 'objection';
import { findMessages, findMessagesById, findNewMessages } from '../../src/finders/chat.js';
import { ChatMessage } from '../../src/models/chat.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { postDirect, postToGroup } from '../../src/services/chat.js';
import { makeGroup } from '../fixtures.js';
import { makeUser, testDatabase } from '../helper.js';

t.test("a conversation's messages under its kind's rule, and nothing under the other's (R-F4, R-X4)", async (t) => {
  const db = await testDatabase(t);
  Model.knex(db);
  const anna = await makeUser(db, { name: 'Anna' });
  const ben = await makeUser(db, { name: 'Ben' });
  const outsider = await makeUser(db, { name: 'Otto' });
  const group = await makeGroup(db, anna, { name: 'Chatters' }, [[ben]]);
  const a = viewerFromUser(anna, false);
  const b = viewerFromUser(ben, false);
  const o = viewerFromUser(outsider, false);
  for (const text of ['one', 'two', 'three']) t.ok((await postToGroup(db, a, group.id, text)).ok, `group message "${text}" posted`);
  t.ok((await postDirect(db, a, ben.id, 'just us')).ok, 'a direct message posted');
  const groupConversation = (await ChatMessage.query(db).where('body', 'one').first())!.conversationId;
  const directConversation = (await ChatMessage.query(db).where('body', 'just us').first())!.conversationId;

  const bodies = (page: { items: { body: string }[] }) => page.items.map((m) => m.body);
  t.same(bodies(await findMessages(b, { id: groupConversation, kind: 'group' })), ['one', 'two', 'three'], 'a member reads the group chat under its rule');
  t.same(bodies(await findMessages(b, { id: groupConversation, kind: null })), ['one', 'two', 'three'], 'the same under every kind\'s rule');
  t.same(bodies(await findMessages(b, { id: directConversation, kind: 'direct' })), ['just us'], 'a party reads the direct conversation');
  t.same(bodies(await findMessages(b, { id: directConversation, kind: 'group' })), [], 'a direct conversation told as a group chat shows nothing');
  t.same(bodies(await findMessages(b, { id: groupConversation, kind: 'direct' })), [], 'a group chat told as a direct one shows nothing');
  t.same(bodies(await findMessages(o, { id: groupConversation, kind: 'group' })), [], 'an outsider reads nothing of the group chat');
  t.same(bodies(await findMessages(o, { id: directConversation, kind: 'direct' })), [], 'nor of the others\' direct conversation');
  const first = (await ChatMessage.query(db).where('body', 'one').first())!.id;
  t.same((await findNewMessages(b, { id: groupConversation, kind: 'group' }, first)).map((m) => m.body), ['two', 'three'], 'what came after a message, under its rule');
  t.same(await findNewMessages(o, { id: groupConversation, kind: 'group' }, 0), [], 'and nothing new for an outsider');
  const all = (await ChatMessage.query(db).orderBy('id')).map((m) => m.id);
  const byId = async (viewer: typeof a, id: number) => (await findMessagesById(viewer, { id, kind: null }, all)).map((m) => m.body);
  t.same(await byId(b, groupConversation), ['one', 'two', 'three'], "messages by id: only the conversation's, oldest first, whatever ids are asked");
  t.same(await byId(b, directConversation), ['just us'], 'and of the direct conversation only its own');
  t.same(await byId(o, groupConversation), [], 'nothing by id for an outsider');
});
