import { type TString, Type } from 'typebox';
import { KeyPrefix, parseId, prefixOf } from '../ids/salesforce-id.js';

/** The `recordId` schema keyword: which record a path parameter names (SPEC §3). */
interface RecordIdRule {
  /** The key prefixes the record's ID may have. */
  prefixes: string[];
  /** A word that stands for a record (`me` for the context user, `internal` for the scope). */
  also?: string;
}

/**
 * The schema of a path parameter that holds a record ID: 15 or 18 characters with a valid
 * checksum and one of `prefixes` (or the word `also`). A request whose ID fails is 400
 * INVALID_ID_FIELD naming it exactly as supplied (error-response.ts maps the params failure), at the
 * IDs-and-parameters stage of SPEC §2, before scope and permission. The rule is compiled into the
 * route's validator at start-up.
 */
export function recordId(prefix: string, also?: string): TString {
  const rule: RecordIdRule = also === undefined ? { prefixes: [prefix] } : { prefixes: [prefix], also };
  return Type.String({ recordId: rule });
}

/** A path parameter the resource checks itself (a feed type, a list of IDs answered per item). */
export const PathText = Type.String();

/** Teaches the app's validator the `recordId` keyword (app.ts passes it to Fastify's Ajv). */
export const recordIdKeyword = {
  keyword: 'recordId',
  type: 'string' as const,
  schemaType: 'object' as const,
  errors: false as const,
  compile: (rule: RecordIdRule) => (data: string) => {
    if (data === rule.also) return true;
    const id15 = parseId(data);
    return id15 !== undefined && rule.prefixes.includes(prefixOf(id15));
  },
};

/** The params of the resources that name one record, by the parameter their paths use. */
export const UserParams = Type.Object({ userId: recordId(KeyPrefix.user, 'me') });
export const CommunityParams = Type.Object({ communityId: recordId(KeyPrefix.community, 'internal') });
export const GroupParams = Type.Object({ groupId: recordId(KeyPrefix.group) });
export const MembershipParams = Type.Object({ membershipId: recordId(KeyPrefix.groupMember) });
export const JoinRequestParams = Type.Object({ requestId: recordId(KeyPrefix.joinRequest) });
export const SubscriptionParams = Type.Object({ subscriptionId: recordId(KeyPrefix.subscription) });
export const FeedElementParams = Type.Object({ feedElementId: recordId(KeyPrefix.feedElement) });
export const CommentParams = Type.Object({ commentId: recordId(KeyPrefix.comment) });
export const LikeParams = Type.Object({ likeId: recordId(KeyPrefix.like) });
export const StreamParams = Type.Object({ streamId: recordId(KeyPrefix.stream) });
export const AnnouncementParams = Type.Object({ announcementId: recordId(KeyPrefix.announcement) });
/** A feed names its type and subject (`me`, a user, a group, a record): the feed resource checks them. */
export const FeedParams = Type.Object({ feedType: PathText, subjectId: PathText });

/** A batch read's comma-separated IDs, answered per item by its resource. */
export const batchParams = <K extends string>(name: K) =>
  Type.Object({ [name]: PathText } as Record<K, TString>);
