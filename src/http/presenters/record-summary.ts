import type { RecordSummaryView } from '../../domain/record-summaries.js';
import type { ObjectDefinition } from '../../domain/sobject-definitions.js';
import type { UserSummaryView } from '../../domain/user-summaries.js';
import type { PresentContext } from '../present-context.js';
import { displayName } from './message-body.js';
import { presentUserSummary } from './user.js';

/** A record's motif (F2 §1.1): the object's colour and icons. */
export function recordMotif(object: ObjectDefinition) {
  const icon = object.motif.icon;
  return {
    color: object.motif.color,
    largeIconUrl: `/img/icon/${icon}64.png`,
    mediumIconUrl: `/img/icon/${icon}32.png`,
    smallIconUrl: `/img/icon/${icon}16.png`,
    svgIconUrl: null,
  };
}

/**
 * Record Summary (F2 §1.1): the `parent` of a record post, the `subject` of a record follow, and
 * `chatter/records/{id}`. `entityLabel` from v40; `recordViewUrl` (v30–32 only) is left out.
 */
export function presentRecordSummary(ctx: PresentContext, view: RecordSummaryView) {
  const { row, object } = view;
  return {
    ...(ctx.major >= 40 ? { entityLabel: { label: object.label, labelPlural: object.labelPlural } } : {}),
    id: row.id,
    motif: recordMotif(object),
    mySubscription: view.mySubscriptionId
      ? { id: view.mySubscriptionId, url: `${ctx.base}/chatter/subscriptions/${view.mySubscriptionId}` }
      : null,
    name: ctx.text(row.name),
    type: object.name,
    url: `${ctx.base}/chatter/records/${row.id}`,
  };
}

/** The header of a post on a record (F2 §1.3): "Record name — Actor name", each an EntityLink. */
export function presentRecordHeader(ctx: PresentContext, record: RecordSummaryView, actor: UserSummaryView) {
  const recordName = ctx.text(record.row.name);
  const actorName = ctx.text(displayName(actor.user));
  return {
    ...(ctx.major >= 35 ? { isRichText: null } : {}),
    messageSegments: [
      {
        motif: recordMotif(record.object),
        reference: { id: record.row.id, url: `${ctx.base}/chatter/records/${record.row.id}` },
        text: recordName,
        type: 'EntityLink',
      },
      { text: ' \u2014 ', type: 'Text' },
      {
        motif: presentUserSummary(ctx, actor).motif,
        reference: { id: actor.user.id, url: `${ctx.base}/chatter/users/${actor.user.id}` },
        text: actorName,
        type: 'EntityLink',
      },
    ],
    text: `${recordName} \u2014 ${actorName}`,
  };
}
