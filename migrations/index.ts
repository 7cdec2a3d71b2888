import * as platform from './0001_platform.js';
import * as groups from './0002_groups.js';
import * as extranet from './0003_extranet.js';
import * as tasks from './0004_tasks.js';
import * as feed from './0005_feed.js';
import * as tools from './0006_tools.js';
import * as perf from './0007_performance.js';
import * as submissions from './0008_form_submissions.js';
import * as signIn from './0009_sign_in.js';
import * as board from './0010_board.js';
import * as mailNotifications from './0011_mail_notifications.js';
import * as social from './0012_social.js';
import * as calendarFeeds from './0013_calendar_feeds.js';
import * as userLocale from './0014_user_locale.js';
import * as replyDeletions from './0015_reply_deletions.js';
import * as fileNameSearch from './0016_file_name_search.js';
import * as groupMemberCounts from './0017_group_member_counts.js';
import * as activityKindInIndex from './0018_activity_kind_in_index.js';
import * as fileNameWords from './0019_file_name_words.js';
import * as chatChanges from './0020_chat_changes.js';
import * as conversationActivityPerPerson from './0021_conversation_activity_per_person.js';

/** Every migration, in order. Add new ones at the end. */
export const migrations = [platform, groups, extranet, tasks, feed, tools, perf, submissions, signIn, board, mailNotifications, social, calendarFeeds, userLocale, replyDeletions, fileNameSearch, groupMemberCounts, activityKindInIndex, fileNameWords, chatChanges, conversationActivityPerPerson];
