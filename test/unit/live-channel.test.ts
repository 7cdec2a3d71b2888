// Issue 16 "Idle cost", issue 18 item 4: what a NOTIFY on the live channel says, read back. Ids only; anything
// else on the channel (a payload from another version, a typo) is ignored, never half-read.
import t from 'tap';
import { pairKey, parseLiveEvent } from '../../src/live/channel.js';

t.test('each kind of payload is read back', async (t) => {
  t.same(parseLiveEvent('c:12:345'), { kind: 'chat', conversationId: 12, messageId: 345, pair: null });
  t.same(parseLiveEvent(`c:12:345:${pairKey(9, 4)}`), { kind: 'chat', conversationId: 12, messageId: 345, pair: '4:9' });
  t.same(parseLiveEvent('d:12:345'), { kind: 'chat-deleted', conversationId: 12, messageId: 345 });
  t.same(parseLiveEvent('e:12:345'), { kind: 'chat-edited', conversationId: 12, messageId: 345 });
  t.same(parseLiveEvent('u:1,2,3'), { kind: 'users', userIds: [1, 2, 3] });
});

t.test('anything else is ignored', async (t) => {
  for (const payload of ['', 'x:1:2', 'e:1', 'e:1:2:3', 'e:-1:2', 'e:1:2 ', 'd:a:b', 'u:', 'u:1,,2', `e:1:${'9'.repeat(16)}`, 'E:1:2']) {
    t.equal(parseLiveEvent(payload), null, JSON.stringify(payload));
  }
});
