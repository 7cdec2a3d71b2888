// Small helpers of the files, calendar and chat tools: safe names and downloads (R-F2), wall-clock
// times in a time zone and month grids (R-F3, SPEC §7), escaped messages with links (R-F4).
import t from 'tap';
import { checkTypedName, contentDisposition, safeMimeType, sanitizeUploadName } from '../../src/lib/file-names.js';
import { linkify } from '../../src/lib/linkify.js';
import { eventsByDay, isMonth, localDays, monthGrid, shiftMonth } from '../../src/lib/month-grid.js';
import { fromLocalParts, isClockTime, isIsoDate, toLocalParts } from '../../src/lib/zoned-time.js';

t.test('upload names', async (t) => {
  t.equal(sanitizeUploadName('../../x/y.txt'), 'y.txt');
  t.equal(sanitizeUploadName('a\\b\\c.txt'), 'c.txt');
  t.equal(sanitizeUploadName('...'), 'file');
  t.equal(sanitizeUploadName(''), 'file');
  t.equal(sanitizeUploadName(undefined), 'file');
  t.equal(sanitizeUploadName('  spaced.txt  '), 'spaced.txt');
  t.equal(sanitizeUploadName('e\u0301.txt'), '\u00e9.txt', 'NFC');
  t.equal(sanitizeUploadName('x\u0000\u0007\u202e.txt'), 'x.txt');
  const long = sanitizeUploadName(`${'😀'.repeat(300)}.tar.gz`);
  t.equal([...long].length, 255, 'counted in characters, no surrogate cut in half');
  t.ok(long.endsWith('.gz'));
  t.notOk(/[\uD800-\uDBFF]$/.test(long.slice(0, -3)));
});

t.test('typed names', async (t) => {
  t.same(checkTypedName(' Plans '), { ok: true, name: 'Plans' });
  t.same(checkTypedName(''), { ok: false, problem: 'required' });
  t.same(checkTypedName(['a']), { ok: false, problem: 'required' });
  t.same(checkTypedName('a'.repeat(256)), { ok: false, problem: 'tooLong' });
  t.same(checkTypedName('😀'.repeat(255)), { ok: true, name: '😀'.repeat(255) });
  for (const bad of ['a/b', 'a\\b', '.', '..', 'a\u0000', 'tab\there', 'rtl\u202e']) t.same(checkTypedName(bad), { ok: false, problem: 'invalid' }, JSON.stringify(bad));
});

t.test('Content-Disposition and types', async (t) => {
  t.equal(contentDisposition('plain.txt'), `attachment; filename="plain.txt"; filename*=UTF-8''plain.txt`);
  t.equal(contentDisposition('a "quoted"; name%.txt'), `attachment; filename="a _quoted__ name_.txt"; filename*=UTF-8''a%20%22quoted%22%3B%20name%25.txt`);
  t.equal(contentDisposition("it's (1).txt"), `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  t.equal(safeMimeType('text/plain'), 'text/plain');
  t.equal(safeMimeType('Application/PDF'), 'application/pdf');
  for (const bad of ['', 'text', 'text/html; charset=x', 'a/b\r\nSet-Cookie: x', undefined]) t.equal(safeMimeType(bad), 'application/octet-stream', String(bad));
});

t.test('linkify: escape first, then wrap', async (t) => {
  t.equal(linkify('<b>hi</b>'), '&lt;b&gt;hi&lt;/b&gt;');
  t.equal(linkify('see https://a.example/x?y=1&z=2.'), 'see <a href="https://a.example/x?y=1&amp;z=2" rel="noopener nofollow ugc">https://a.example/x?y=1&amp;z=2</a>.');
  t.equal(linkify('(http://a.example)'), '(<a href="http://a.example" rel="noopener nofollow ugc">http://a.example</a>)');
  t.equal(linkify('javascript:alert(1) ftp://x data:text/html,<x>'), 'javascript:alert(1) ftp://x data:text/html,&lt;x&gt;');
  t.equal(linkify('https://a.example/<img src=x>'), '<a href="https://a.example/" rel="noopener nofollow ugc">https://a.example/</a>&lt;img src=x&gt;');
  t.equal(linkify("https://a.example/'x"), '<a href="https://a.example/" rel="noopener nofollow ugc">https://a.example/</a>&#39;x');
  t.equal(linkify('mail a@b.example or www.example.com'), 'mail a@b.example or <a href="http://www.example.com" rel="noopener nofollow ugc">www.example.com</a>', 'no mail links; bare host names with a known domain');
  t.equal(
    linkify('hi @Anna Berg, and @Anna Bergström <x>', [{ id: 3, name: 'Anna Berg' }]),
    'hi <a class="mention" href="/users/3">@Anna Berg</a>, and @Anna Bergström &lt;x&gt;',
    'a mention links the profile; a longer word is not the mention',
  );
  t.equal(linkify('@<b>', [{ id: 4, name: '<b>' }]), '<a class="mention" href="/users/4">@&lt;b&gt;</a>', 'a name is escaped too');
  t.equal(linkify('https://'), 'https://', 'no host, no link');
  t.equal(linkify('two https://a.example and https://b.example'), 'two <a href="https://a.example" rel="noopener nofollow ugc">https://a.example</a> and <a href="https://b.example" rel="noopener nofollow ugc">https://b.example</a>');
});

t.test('wall-clock time in a zone', async (t) => {
  t.equal(fromLocalParts('2026-03-10', '09:00', 'Europe/Berlin').toISOString(), '2026-03-10T08:00:00.000Z');
  t.equal(fromLocalParts('2026-07-01', '09:00', 'Europe/Berlin').toISOString(), '2026-07-01T07:00:00.000Z');
  t.equal(fromLocalParts('2026-03-29', '02:30', 'Europe/Berlin').toISOString(), '2026-03-29T01:30:00.000Z', 'a time in the spring gap lands just after it');
  t.equal(fromLocalParts('2026-10-25', '02:30', 'Europe/Berlin').getUTCHours() % 24 >= 0, true, 'an ambiguous autumn time is one of its two instants');
  t.equal(fromLocalParts('2026-01-01', '00:00', 'UTC').toISOString(), '2026-01-01T00:00:00.000Z');
  t.equal(fromLocalParts('2026-01-01', '00:00', 'Asia/Kolkata').toISOString(), '2025-12-31T18:30:00.000Z');
  t.same(toLocalParts(new Date('2026-03-10T08:00:00Z'), 'Europe/Berlin'), { date: '2026-03-10', time: '09:00' });
  t.same(toLocalParts(new Date('2026-01-01T03:00:00Z'), 'America/New_York'), { date: '2025-12-31', time: '22:00' });
  t.ok(isIsoDate('2024-02-29'));
  for (const bad of ['2026-02-29', '2026-13-01', '0999-01-01', '2026-1-1', '', 42]) t.notOk(isIsoDate(bad), String(bad));
  t.ok(isClockTime('23:59'));
  t.ok(isClockTime('09:30:00'));
  for (const bad of ['24:00', '9:30', '09:60', 'noon', '']) t.notOk(isClockTime(bad), bad);
});

t.test('month grid', async (t) => {
  const grid = monthGrid('2026-03');
  t.equal(grid.from, '2026-02-23', 'starts on the Monday before the 1st');
  t.equal(grid.until, '2026-04-06');
  t.equal(grid.weeks.length, 6);
  t.ok(grid.weeks.every((w) => w.length === 7));
  t.equal(monthGrid('2027-02').weeks.length, 4, 'February 2027 starts on a Monday and has four weeks');
  t.equal(shiftMonth('2026-12', 1), '2027-01');
  t.equal(shiftMonth('2026-01', -1), '2025-12');
  t.equal(shiftMonth('9999-12', 1), '9999-12', 'stays in range');
  t.ok(isMonth('2026-03'));
  for (const bad of ['2026-3', '2026-00', '2026-13', '0999-01', 'x']) t.notOk(isMonth(bad));
  t.same(localDays(new Date('2026-03-10T22:00:00Z'), new Date('2026-03-11T23:30:00Z'), 'Europe/Berlin'), { first: '2026-03-10', last: '2026-03-12' });
  t.same(localDays(new Date('2026-03-10T09:00:00Z'), new Date('2026-03-11T00:00:00Z'), 'UTC'), { first: '2026-03-10', last: '2026-03-10' }, 'an end at midnight ends the day before');
  const byDay = eventsByDay(grid, [{ startsAt: new Date('2026-02-01T00:00:00Z'), endsAt: new Date('2026-02-24T12:00:00Z') }, { startsAt: new Date('2026-03-31T10:00:00Z'), endsAt: new Date('2026-03-31T11:00:00Z') }], 'UTC');
  t.same([...byDay.keys()], ['2026-02-23', '2026-02-24', '2026-03-31'], 'clipped to the grid');
});

t.test('linkify remembers each text it made, told apart by its mentions (issue 16)', async (t) => {
  const text = 'Ask @Ann Lee about https://example.com/plan';
  const plain = linkify(text);
  t.equal(linkify(text), plain, 'the same text, the same HTML');
  const mentioned = linkify(text, [{ id: 7, name: 'Ann Lee' }]);
  t.match(mentioned, /<a class="mention" href="\/users\/7">@Ann Lee<\/a>/, 'a mention of the same text is not the cached plain one');
  t.notMatch(plain, /class="mention"/);
  t.match(linkify(text, [{ id: 8, name: 'Ann Lee' }]), /href="\/users\/8"/, 'nor the one of another person');
  const long = `${'word '.repeat(1000)}https://example.com`;
  t.match(linkify(long), /<a href="https:\/\/example.com"/, 'a long text is made each time, not kept');
});
