import type { PresentContext } from '../present-context.js';

/** Resources by version (SPEC §1): resource name → URL; `identity` is absolute (jsforce reads it). */
export function presentResourceDirectory(ctx: PresentContext, identityUrl: string) {
  const root = `/services/data/v${ctx.version}`;
  return {
    chatter: `${root}/chatter`,
    composite: `${root}/composite`,
    connect: `${root}/connect`,
    identity: identityUrl,
    limits: `${root}/limits`,
  };
}

/** Chatter directory (reference/chatter-facts.md §1.3). */
export function presentChatterDirectory(ctx: PresentContext) {
  return {
    feeds: `${ctx.base}/chatter/feeds`,
    groups: `${ctx.base}/chatter/groups`,
    users: `${ctx.base}/chatter/users`,
  };
}

/** Connect directory: the org-wide Connect resources. */
export function presentConnectDirectory(ctx: PresentContext) {
  const root = `/services/data/v${ctx.version}`;
  return {
    batch: `${root}/connect/batch`,
    communities: `${root}/connect/communities`,
  };
}
