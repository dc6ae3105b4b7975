/**
 * Pieces of the expected wire bodies that users and groups share (reference/chatter-facts.md §2.1,
 * §2.4), for the body builders of collab.ts and feed-shapes.ts.
 */

/**
 * The origin photo URLs are absolute under: in-process requests' (light-my-request's default Host),
 * or a listening server's once a suite that talks to one says so (setTestOrigin).
 */
export let TEST_ORIGIN = 'http://localhost:80';

/** Suites whose clients call a listening server expect its URLs (set once, in `before`). */
export function setTestOrigin(origin: string): void {
  TEST_ORIGIN = origin;
}

/**
 * `photo` of a user or a group (F2 §8): the served URLs of its photo version, or of its own ID for
 * the default picture, and its photo resource `url`.
 */
export function photoShape(id: string, url: string, photoId: string | null = null, origin = TEST_ORIGIN) {
  const key = (photoId ?? id).slice(0, 15);
  return {
    fullEmailPhotoUrl: `${origin}/profilephoto/${key}/F`,
    largePhotoUrl: `${origin}/profilephoto/${key}/F`,
    mediumPhotoUrl: `${origin}/profilephoto/${key}/M`,
    photoVersionId: photoId,
    smallPhotoUrl: `${origin}/profilephoto/${key}/T`,
    standardEmailPhotoUrl: `${origin}/profilephoto/${key}/T`,
    url,
  };
}

/** A user's photo resource under `base`: `connect/user-profiles` from v35, `chatter/users` before (F2 §8). */
export function userPhotoUrl(base: string, userId: string): string {
  const major = Number(/\/v(\d+)\.\d/.exec(base)?.[1]);
  return major >= 35
    ? `${base}/connect/user-profiles/${userId}/photo`
    : `${base}/chatter/users/${userId}/photo`;
}

export const USER_MOTIF = {
  color: '1797C0',
  largeIconUrl: '/img/icon/profile64.png',
  mediumIconUrl: '/img/icon/profile32.png',
  smallIconUrl: '/img/icon/profile16.png',
};

export const GROUP_MOTIF = {
  color: '1797C0',
  largeIconUrl: '/img/icon/groups64.png',
  mediumIconUrl: '/img/icon/groups32.png',
  smallIconUrl: '/img/icon/groups16.png',
};

/** Entity encoding of user-entered text, as the API sends it unless told not to (SPEC §1). */
export const encode = (text: string) =>
  text.replace(
    /[&<>"'\\]/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\\': '&#92;' })[c] as string,
  );

/** The user fields a User Summary shows. */
export interface SummaryUser {
  id: string;
  firstName: string;
  lastName: string;
  nickname: string;
  companyName: string | null;
  title?: string | null;
  type: 'standard' | 'admin' | 'external' | 'guest';
  isActive: boolean;
  /** The photo's version ID, when one was set. */
  photoId?: string | null;
}

/**
 * User Summary (reference/chatter-facts.md §2.1) under `at`: a base URL, or the feed tests' options
 * (`raw`: entity encoding off). An external user is in the community on a community path only,
 * unless `isInThisCommunity` says otherwise.
 */
export function userSummary(
  at: string | { base: string; raw?: boolean },
  user: SummaryUser,
  options: { mySubscription?: string | null; isInThisCommunity?: boolean } = {},
) {
  const base = typeof at === 'string' ? at : at.base;
  const text = typeof at !== 'string' && at.raw ? (s: string) => s : encode;
  const name = `${user.firstName} ${user.lastName}`;
  const inCommunityScope = base.includes('/connect/communities/0DB');
  return {
    additionalLabel: null,
    communityNickname: text(user.nickname),
    companyName: user.companyName === null ? null : text(user.companyName),
    displayName: text(name),
    firstName: text(user.firstName),
    id: user.id,
    isActive: user.isActive,
    isInThisCommunity: options.isInThisCommunity ?? (inCommunityScope || user.type !== 'external'),
    lastName: text(user.lastName),
    motif: USER_MOTIF,
    mySubscription: options.mySubscription
      ? { id: options.mySubscription, url: `${base}/chatter/subscriptions/${options.mySubscription}` }
      : null,
    name: text(name),
    photo: photoShape(user.id, userPhotoUrl(base, user.id), user.photoId ?? null),
    reputation: null,
    title: user.title === undefined || user.title === null ? null : text(user.title),
    type: 'User',
    url: `${base}/chatter/users/${user.id}`,
    userType: user.type === 'external' ? 'Portal' : 'Internal',
  };
}
