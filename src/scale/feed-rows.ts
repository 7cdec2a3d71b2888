import type pg from 'pg';
import { pickEmployee, pickGroup, type Company } from './company.js';
import { copyRows, type Cell } from './copy.js';
import { EPOCH_END, instantAt, type Counts } from './plan.js';
import type { Random } from './random.js';
import type { TaskFacts } from './tasks-rows.js';
import { fileName, sentence } from './words.js';

const MINUTE = 60_000;

function later(d: Date, random: Random, maxMinutes: number): Date {
  return new Date(Math.min(d.getTime() + random.int(1, maxMinutes) * MINUTE, EPOCH_END));
}

/** A member of the group (an employee for company-wide content). */
function someoneIn(company: Company, random: Random, groupId: number): number {
  if (groupId === 0) return pickEmployee(company, random);
  return random.pick(company.groups[groupId - 1]?.members ?? [1]);
}

/** Every tenth text names someone who can read it (issue 18): "@Full Name …", and the mention as the app stores it. */
function maybeMentioning(company: Company, random: Random, groupId: number, author: number, text: string): [string, string] {
  const named = someoneIn(company, random, groupId);
  if (named === author || !random.chance(0.1)) return [text, '[]'];
  const name = company.names[named - 1] ?? '';
  return [`@${name} ${text}`, JSON.stringify([{ id: named, name }])];
}

/**
 * Likes (issue 18): about `mean` on each of `count` items (ids 1..count), from distinct people of the item's group,
 * at most a day after the item.
 */
function* likes(company: Company, random: Random, count: number, mean: number, groupOf: (id: number) => number, createdOf: (id: number) => Date): Generator<Cell[]> {
  for (let id = 1; id <= count; id++) {
    const wanted = Math.floor(random.next() * (2 * mean + 1));
    const likers = new Set<number>();
    for (let i = 0; i < wanted; i++) likers.add(someoneIn(company, random, groupOf(id)));
    for (const user of likers) yield [id, user, later(createdOf(id), random, 24 * 60)];
  }
}

/** Posts (group and company-wide, polls, appreciations, every tenth naming someone), their likes, poll options, comments on posts (liked too) and tasks, the activity stream, notifications. */
export async function loadFeed(client: pg.ClientBase, company: Company, random: Random, counts: Counts, tasks: TaskFacts): Promise<Record<string, number>> {
  const P = counts.posts;
  const postGroup = new Int32Array(P + 1);
  const polls: number[] = [];
  function* posts(): Generator<Cell[]> {
    for (let id = 1; id <= P; id++) {
      const created = instantAt((id - 1 + random.next()) / P);
      if (random.chance(0.92)) {
        const g = pickGroup(company, random);
        postGroup[id] = g.id;
        const poll = random.chance(0.01);
        if (poll) polls.push(id);
        const author = random.pick(g.members);
        yield [id, g.id, author, poll ? 'poll' : 'post', ...maybeMentioning(company, random, g.id, author, sentence(random, 8, 60)), null, created, created];
      } else {
        const author = pickEmployee(company, random);
        const appreciation = random.chance(0.25);
        let appreciated: number | null = null;
        if (appreciation) appreciated = author === 1 ? 3 : 1 + (author % company.employees);
        yield [id, null, author, appreciation ? 'appreciation' : 'post', sentence(random, 8, 60), '[]', appreciated, created, created];
      }
    }
  }
  const rows: Record<string, number> = {};
  rows.posts = await copyRows(client, 'posts', ['id', 'group_id', 'author_id', 'kind', 'body', 'mentions', 'appreciated_id', 'created_at', 'updated_at'], posts());
  const postCreated = (post: number) => instantAt((post - 1) / P);
  rows.post_likes = await copyRows(client, 'post_likes', ['post_id', 'user_id', 'created_at'], likes(company, random, P, counts.postLikes / P, (post) => postGroup[post] ?? 0, postCreated));

  function* pollOptions(): Generator<Cell[]> {
    for (const post of polls) for (let position = 1; position <= 3; position++) yield [post, position, `Option ${position}`];
  }
  rows.poll_options = await copyRows(client, 'poll_options', ['post_id', 'position', 'label'], pollOptions());

  // Comments are numbered 1.. in the order they are loaded (the tables were emptied with their sequences).
  const C = counts.postComments;
  const commentPost = new Int32Array(C + 1);
  const commentCreated = new Float64Array(C + 1);
  function* postComments(): Generator<Cell[]> {
    for (let id = 1; id <= C; id++) {
      // Newer posts get more comments: pick from the newest half twice as often.
      const post = random.chance(0.5) ? random.int(Math.ceil(P / 2), P) : random.int(1, P);
      const created = later(postCreated(post), random, 3 * 24 * 60);
      const group = postGroup[post] ?? 0;
      const author = someoneIn(company, random, group);
      commentPost[id] = post;
      commentCreated[id] = created.getTime();
      yield [post, author, ...maybeMentioning(company, random, group, author, sentence(random, 3, 25)), created];
    }
  }
  rows.post_comments = await copyRows(client, 'post_comments', ['post_id', 'author_id', 'body', 'mentions', 'created_at'], postComments());
  const commentGroup = (comment: number) => postGroup[commentPost[comment] ?? 0] ?? 0;
  rows.comment_likes = await copyRows(client, 'comment_likes', ['comment_id', 'user_id', 'created_at'], likes(company, random, C, counts.commentLikes / C, commentGroup, (comment) => new Date(commentCreated[comment] ?? 0)));

  const groupTask = (): number => {
    for (;;) {
      const id = random.int(1, tasks.count);
      if ((tasks.group[id] ?? 0) !== 0) return id;
    }
  };

  function* taskComments(): Generator<Cell[]> {
    for (let i = 0; i < counts.taskComments; i++) {
      const task = groupTask();
      yield [task, someoneIn(company, random, tasks.group[task] ?? 0), sentence(random, 3, 25), later(instantAt((task - 1) / tasks.count), random, 5 * 24 * 60)];
    }
  }
  rows.task_comments = await copyRows(client, 'task_comments', ['task_id', 'author_id', 'body', 'created_at'], taskComments());

  const A = counts.activity;
  function* activity(): Generator<Cell[]> {
    for (let i = 0; i < A; i++) {
      const created = instantAt((i + random.next()) / A);
      const r = random.next();
      if (r < 0.6) {
        const task = groupTask();
        const completed = (tasks.completed[task] ?? 0) === 1 && random.chance(0.5);
        yield [tasks.group[task], tasks.creator[task], completed ? 'task.completed' : 'task.created', task, null, created];
      } else if (r < 0.8) {
        const g = pickGroup(company, random);
        yield [g.id, random.pick(g.members), 'member.joined', null, null, created];
      } else {
        const g = pickGroup(company, random);
        yield [g.id, random.pick(g.members), 'file.uploaded', null, fileName(random, i).name, created];
      }
    }
  }
  rows.activity = await copyRows(client, 'activity', ['group_id', 'actor_id', 'kind', 'task_id', 'subject_label', 'created_at'], activity());

  function* notifications(): Generator<Cell[]> {
    for (let i = 0; i < counts.notifications; i++) {
      const task = groupTask();
      const created = later(instantAt((task - 1) / tasks.count), random, 60);
      const user = tasks.responsible[task] ?? 1;
      const actor = tasks.creator[task] ?? 1;
      yield [user, actor === user ? null : actor, 'task.assigned', tasks.group[task], task, 'responsible', random.chance(0.8) ? later(created, random, 600) : null, created];
    }
  }
  rows.notifications = await copyRows(client, 'notifications', ['user_id', 'actor_id', 'kind', 'group_id', 'task_id', 'detail', 'read_at', 'created_at'], notifications());
  return rows;
}
