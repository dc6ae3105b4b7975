import { SObjectRecordService } from '../domain/sobject-records.js';
import { findObject } from '../domain/sobjects.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';

const DAY = 86_400_000;

/** The demo org's records, by their names (SPEC §11). */
export interface DemoRecords {
  globex: string;
  initech: string;
  globexRenewal: string;
  checkoutCase: string;
}

/**
 * The records of SPEC §11, owned by alice unless noted, created through the same checks as
 * sObject REST: Accounts Globex Corporation and Initech (bob's), the Globex Renewal opportunity
 * (closing 30 days after the org is created) and a Case on Initech. IDs come from the sequences,
 * so every reset gives the same ones.
 */
export async function seedDemoRecords(store: Store, clock: Clock, orgId: string): Promise<DemoRecords> {
  const userId = async (username: string) => {
    const found = await store.users.findByUsername(username);
    if (!found) throw new Error(`demo user ${username} is missing`);
    return found.id;
  };
  const alice = { orgId, userId: await userId('alice@acme.example') };
  const bob = { orgId, userId: await userId('bob@acme.example') };
  const records = new SObjectRecordService(store, clock);
  const create = async (actor: typeof alice, type: string, fields: Record<string, unknown>) =>
    records.create(actor, await findObject(store, orgId, type), fields);
  const globex = await create(alice, 'Account', {
    Name: 'Globex Corporation',
    Industry: 'Manufacturing',
    BillingCity: 'Springfield',
  });
  const initech = await create(bob, 'Account', { Name: 'Initech' });
  const globexRenewal = await create(alice, 'Opportunity', {
    Name: 'Globex Renewal',
    AccountId: globex,
    StageName: 'Negotiation/Review',
    CloseDate: new Date(clock.now() + 30 * DAY).toISOString().slice(0, 10),
    Amount: 120000,
  });
  const checkoutCase = await create(alice, 'Case', {
    Subject: 'Checkout fails on mobile',
    AccountId: initech,
    Status: 'New',
  });
  return { globex, initech, globexRenewal, checkoutCase };
}
