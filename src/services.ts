import type { AppSecrets } from './auth/app-secrets.js';
import type { OAuthService } from './auth/oauth.js';
import type { SessionService } from './auth/session-service.js';
import type { Config } from './config.js';
import type { ControlState } from './control/control-state.js';
import type { DependencyHealth } from './dependencies/dependency-health.js';
import type { AnnouncementService } from './domain/announcements.js';
import type { CommentService } from './domain/comments.js';
import type { CommunityService } from './domain/communities.js';
import type { FeedElementService } from './domain/feed-elements.js';
import type { FeedService } from './domain/feeds.js';
import type { FileShareService } from './domain/file-shares.js';
import type { FileService } from './domain/files.js';
import type { FollowService } from './domain/follows.js';
import type { GroupMemberService } from './domain/group-members.js';
import type { GroupService } from './domain/groups.js';
import type { JoinRequestService } from './domain/join-requests.js';
import type { LikeService } from './domain/likes.js';
import type { MentionService } from './domain/mentions.js';
import type { PhotoService } from './domain/photos.js';
import type { PostMarkService } from './domain/post-marks.js';
import type { SObjectRecordService } from './domain/sobject-records.js';
import type { StreamService } from './domain/streams.js';
import type { TopicService } from './domain/topics.js';
import type { GroupMemberSettingsService, UserSettingsService } from './domain/user-settings.js';
import type { UserService } from './domain/users.js';
import type { Clock } from './lib/clock.js';
import type { UsageCounters } from './limits/usage.js';
import type { ChangeFeed } from './store/change-feed.js';
import type { Store } from './store/store.js';

/** The app's collaborators, built once in main.ts (or by a test) and handed to buildApp. */
export interface Services {
  config: Config;
  store: Store;
  /**
   * The store's changes, which the hot-read caches follow (decisions 0031, 0039); none with
   * --workers on SQLite, nor before the store is migrated.
   */
  changes: ChangeFeed | undefined;
  clock: Clock;
  control: ControlState;
  usage: UsageCounters;
  /** The store's and Redis's availability (health, decision 0021). */
  dependencies: DependencyHealth;
  sessions: SessionService;
  /** Seals and opens connected-app secrets (decision 0022). */
  appSecrets: AppSecrets;
  oauth: OAuthService;
  users: UserService;
  communities: CommunityService;
  groups: GroupService;
  groupMembers: GroupMemberService;
  joinRequests: JoinRequestService;
  follows: FollowService;
  feedElements: FeedElementService;
  feeds: FeedService;
  comments: CommentService;
  likes: LikeService;
  /** sObject REST writes (SPEC §12.1). */
  sobjects: SObjectRecordService;
  files: FileService;
  /** User and group photos (SPEC §12.2). */
  photos: PhotoService;
  fileShares: FileShareService;
  /** Bookmarks, mutes and reads of posts (SPEC §12.5). */
  postMarks: PostMarkService;
  mentions: MentionService;
  topics: TopicService;
  userSettings: UserSettingsService;
  /** Chatter streams (SPEC §12.6). */
  streams: StreamService;
  announcements: AnnouncementService;
  groupSettings: GroupMemberSettingsService;
}
