/**
 * Pieces of the expected wire bodies that users and groups share (reference/chatter-facts.md §2.1,
 * §2.4), for the body builders of collab.ts and feed-shapes.ts.
 */

/** `photo` of a user or a group: the profile-photo URLs of its 15-character key, and its photo resource. */
export function photoShape(id: string, url: string) {
  const key = id.slice(0, 15);
  return {
    fullEmailPhotoUrl: `/profilephoto/${key}/F`,
    largePhotoUrl: `/profilephoto/${key}/F`,
    mediumPhotoUrl: `/profilephoto/${key}/M`,
    photoVersionId: null,
    smallPhotoUrl: `/profilephoto/${key}/T`,
    standardEmailPhotoUrl: `/profilephoto/${key}/T`,
    url,
  };
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
