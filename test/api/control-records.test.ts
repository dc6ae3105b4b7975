import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/api-assert.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const V = '/services/data/v66.0';
const invalidInput = (message: string) => [{ errorCode: 'INVALID_INPUT', message }];

/** A describe field as the presenter gives every field, with the given differences. */
function fieldBody(overrides: Record<string, unknown>) {
  return {
    autoNumber: false,
    calculated: false,
    createable: true,
    custom: false,
    defaultValue: null,
    defaultedOnCreate: false,
    digits: 0,
    externalId: false,
    filterable: true,
    idLookup: false,
    label: '',
    length: 0,
    name: '',
    nameField: false,
    nillable: true,
    picklistValues: [],
    precision: 0,
    referenceTo: [],
    relationshipName: null,
    scale: 0,
    soapType: 'xsd:string',
    sortable: true,
    type: 'string',
    unique: false,
    updateable: true,
    ...overrides,
  };
}

const system = { createable: false, updateable: false, defaultedOnCreate: true, nillable: false };
const stampField = (name: string, label: string) =>
  fieldBody({ ...system, name, label, type: 'datetime', soapType: 'xsd:dateTime' });
const userRef = (name: string, label: string, extra: Record<string, unknown> = {}) =>
  fieldBody({
    name,
    label,
    type: 'reference',
    soapType: 'tns:ID',
    length: 18,
    referenceTo: ['User'],
    relationshipName: name.slice(0, -2),
    ...extra,
  });

function invoiceDescribe(keyPrefix: string) {
  const root = `${V}/sobjects/Invoice__c`;
  return {
    activateable: false,
    createable: true,
    custom: true,
    customSetting: false,
    deletable: true,
    deprecatedAndHidden: false,
    feedEnabled: true,
    keyPrefix,
    label: 'Invoice',
    labelPlural: 'Invoices',
    layoutable: true,
    mergeable: false,
    mruEnabled: true,
    name: 'Invoice__c',
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: true,
    updateable: true,
    childRelationships: [],
    fields: [
      fieldBody({
        ...system,
        name: 'Id',
        label: 'Record ID',
        type: 'id',
        soapType: 'tns:ID',
        length: 18,
        idLookup: true,
      }),
      userRef('OwnerId', 'Owner ID', { defaultedOnCreate: true, nillable: false }),
      fieldBody({ ...system, name: 'IsDeleted', label: 'Deleted', type: 'boolean', soapType: 'xsd:boolean' }),
      fieldBody({ name: 'Name', label: 'Invoice Name', length: 80, nameField: true, nillable: false }),
      stampField('CreatedDate', 'Created Date'),
      userRef('CreatedById', 'Created By ID', system),
      stampField('LastModifiedDate', 'Last Modified Date'),
      userRef('LastModifiedById', 'Last Modified By ID', system),
      stampField('SystemModstamp', 'System Modstamp'),
      fieldBody({
        name: 'Amount__c',
        label: 'Amount',
        type: 'currency',
        custom: true,
        nillable: false,
        soapType: 'xsd:double',
        precision: 18,
        scale: 2,
      }),
      fieldBody({ name: 'Memo__c', label: 'Memo', custom: true, length: 20 }),
      fieldBody({
        name: 'Account__c',
        label: 'Account',
        type: 'reference',
        custom: true,
        length: 18,
        soapType: 'tns:ID',
        referenceTo: ['Account'],
        relationshipName: 'Account__r',
      }),
    ],
    listviewable: null,
    lookupLayoutable: null,
    recordTypeInfos: [],
    searchLayoutable: true,
    urls: {
      describe: `${root}/describe`,
      rowTemplate: `${root}/{ID}`,
      sobject: root,
      uiDetailTemplate: 'http://localhost:80/{ID}',
      uiEditTemplate: 'http://localhost:80/{ID}/e',
      uiNewRecord: `http://localhost:80/${keyPrefix}/e`,
    },
  };
}

const INVOICE = {
  name: 'Invoice__c',
  label: 'Invoice',
  labelPlural: 'Invoices',
  fields: [
    { name: 'Amount__c', type: 'currency', label: 'Amount', required: true },
    { name: 'Memo__c', type: 'string', length: 20 },
    { name: 'Account__c', type: 'reference', referenceTo: 'Account' },
  ],
};

describe('control plane: objects and records (SPEC §12.7, §12.8)', () => {
  let h: Harness;
  let alice: string;
  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
  });
  after(() => h.close());

  /** Back to the demo org; reset drops every session, so alice logs in again. */
  async function reset(): Promise<void> {
    await h.admin('POST', '/_chatterbox/reset');
    alice = await h.login('alice@acme.example');
  }
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    h.request({
      method,
      url: `${V}${path}`,
      token: alice,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  test('POST /_chatterbox/objects → 201 its describe, prefix a00 then a01; GET lists them; sObject REST serves them', async () => {
    await reset();
    const response = await h.admin('POST', '/_chatterbox/objects', INVOICE);
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), invoiceDescribe('a00'));
    const ticket = await h.admin('POST', '/_chatterbox/objects', { name: 'Support_Ticket__c' });
    assert.equal(ticket.statusCode, 201);
    assert.deepEqual(
      [ticket.json().keyPrefix, ticket.json().label, ticket.json().labelPlural],
      ['a01', 'Support Ticket', 'Support Tickets'],
    );
    const list = await h.admin('GET', '/_chatterbox/objects');
    assert.equal(list.statusCode, 200);
    assert.equal(list.headers['content-type'], JSON_TYPE);
    assert.deepEqual(list.json(), { objects: [invoiceDescribe('a00'), ticket.json()] });
    assert.deepEqual((await api('GET', '/sobjects/invoice__c/describe')).json(), invoiceDescribe('a00'));
    const names = (await api('GET', '/sobjects')).json().sobjects.map((o: { name: string }) => o.name);
    assert.deepEqual(names, [
      'Account',
      'Case',
      'Contact',
      'Invoice__c',
      'Lead',
      'Opportunity',
      'Support_Ticket__c',
      'User',
    ]);

    const account = (await api('POST', '/sobjects/Account', { Name: 'Billed' })).json().id;
    const missing = await api('POST', '/sobjects/Invoice__c', { Name: 'INV-1' });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(missing.json(), [
      {
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [Amount__c]',
        fields: ['Amount__c'],
      },
    ]);
    const created = await api('POST', '/sobjects/Invoice__c', {
      Name: 'INV-1',
      Amount__c: '99.5',
      Account__c: account,
    });
    assert.equal(created.statusCode, 201);
    const id = created.json().id;
    assert.match(id, /^a00/);
    const read = await api('GET', `/sobjects/Invoice__c/${id}?fields=Name,Amount__c,Memo__c,Account__c`);
    assert.deepEqual(read.json(), {
      attributes: { type: 'Invoice__c', url: `${V}/sobjects/Invoice__c/${id}` },
      Name: 'INV-1',
      Amount__c: 99.5,
      Memo__c: null,
      Account__c: account,
      Id: id,
    });
    const long = await api('PATCH', `/sobjects/Invoice__c/${id}`, { Memo__c: 'm'.repeat(21) });
    assert.deepEqual(long.json(), [
      {
        errorCode: 'STRING_TOO_LONG',
        message: `Memo: data value too large: ${'m'.repeat(21)} (max length=20)`,
        fields: ['Memo__c'],
      },
    ]);
  });

  test('POST /_chatterbox/objects refuses bad declarations with 400 INVALID_INPUT, a taken name with 409', async () => {
    await reset();
    assert.equal((await h.admin('POST', '/_chatterbox/objects', INVOICE)).statusCode, 201);
    const cases: [unknown, number, unknown][] = [
      [
        { name: 'Invoice' },
        400,
        invalidInput("Invalid name: Invoice. A custom object's API name ends in __c."),
      ],
      [
        { name: 'invoice__C' },
        400,
        invalidInput("Invalid name: invoice__C. A custom object's API name ends in __c."),
      ],
      [
        { name: 'INVOICE__c' },
        409,
        [{ errorCode: 'DUPLICATE_VALUE', message: 'An object named INVOICE__c already exists.' }],
      ],
      [
        { name: 'X__c', fields: [{ name: 'Y', type: 'string' }] },
        400,
        invalidInput("Invalid field name: Y. A custom field's API name ends in __c."),
      ],
      [
        { name: 'X__c', fields: [{ name: 'Y__c', type: 'blob' }] },
        400,
        invalidInput(
          'Invalid type for Y__c: blob. Use one of string, textarea, email, phone, url, double, currency, percent, int, date, datetime, boolean, picklist, reference.',
        ),
      ],
      [
        { name: 'X__c', fields: [{ name: 'Y__c', type: 'reference', referenceTo: 'Nope__c' }] },
        400,
        invalidInput('Invalid referenceTo for Y__c: name an object of the org.'),
      ],
      [
        { name: 'X__c', fields: [{ name: 'Y__c', type: 'string', length: 256 }] },
        400,
        invalidInput('Invalid length for Y__c: 256. A string field takes a length of 1 to 255.'),
      ],
      [
        {
          name: 'X__c',
          fields: [
            { name: 'Y__c', type: 'int' },
            { name: 'y__c', type: 'int' },
          ],
        },
        400,
        invalidInput('Duplicate field name: y__c.'),
      ],
      [
        { name: 'X__c', orgId: '00D000000000000' },
        400,
        invalidInput('Invalid orgId: 00D000000000000 is not an org.'),
      ],
    ];
    for (const [body, status, expected] of cases) {
      const response = await h.admin('POST', '/_chatterbox/objects', body);
      assert.equal(response.statusCode, status, JSON.stringify(body));
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), expected, JSON.stringify(body));
    }
    assert.deepEqual(
      (await h.admin('GET', '/_chatterbox/objects')).json().objects.map((o: { name: string }) => o.name),
      ['Invoice__c'],
    );
    const anonymous = await h.request({ method: 'GET', url: '/_chatterbox/objects' });
    assert.equal(anonymous.statusCode, 401);
  });

  test('concurrent POST /_chatterbox/objects: different names all 201 with distinct prefixes; one name → one 201, the rest 409', async () => {
    await reset();
    const declare = (name: string) => h.admin('POST', '/_chatterbox/objects', { name });
    const names = ['Alpha__c', 'Beta__c', 'Gamma__c', 'Delta__c', 'Epsilon__c', 'Zeta__c'];
    const created = await Promise.all(names.map(declare));
    for (const response of created) {
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.headers['content-type'], JSON_TYPE);
    }
    const described = (await h.admin('GET', '/_chatterbox/objects')).json().objects;
    assert.deepEqual(
      created.map((r) => r.json()),
      names.map((name) => described.find((o: { name: string }) => o.name === name)),
      'each 201 is the describe the object keeps',
    );
    assert.deepEqual(
      described.map((o: { keyPrefix: string }) => o.keyPrefix),
      ['a00', 'a01', 'a02', 'a03', 'a04', 'a05'],
    );

    const spellings = ['Same__c', 'same__c', 'SAME__c', 'sAmE__c'];
    const raced = await Promise.all(spellings.map(declare));
    const winners = raced.filter((r) => r.statusCode === 201);
    assert.equal(winners.length, 1, raced.map((r) => r.body).join('\n'));
    assert.equal(winners[0]?.json().keyPrefix, 'a06');
    raced.forEach((response, i) => {
      if (response.statusCode === 201) return;
      assertError(response, 409, 'DUPLICATE_VALUE', `An object named ${spellings[i]} already exists.`);
    });
    assert.equal((await h.admin('GET', '/_chatterbox/objects')).json().objects.length, 7);
  });

  test('POST /_chatterbox/records → 201 the record as GET sobjects gives it; sObject errors as the API gives them', async () => {
    await reset();
    const response = await h.admin('POST', '/_chatterbox/records', {
      type: 'Contact',
      fields: { LastName: 'Seeded', Email: 'seeded@example.com' },
      ownerUsername: 'bob@acme.example',
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const body = response.json();
    const read = await api('GET', `/sobjects/Contact/${body.Id}`);
    assert.deepEqual(body, read.json());
    const bob = await h.services.store.users.findByUsername('bob@acme.example');
    assert.deepEqual([body.OwnerId, body.CreatedById, body.Name], [bob?.id, bob?.id, 'Seeded']);
    const admin = await h.admin('POST', '/_chatterbox/records', {
      type: 'Account',
      fields: { Name: 'By admin' },
    });
    const ada = await h.services.store.users.findByUsername('admin@acme.example');
    assert.equal(admin.json().OwnerId, ada?.id);

    const missing = await h.admin('POST', '/_chatterbox/records', { type: 'Account', fields: {} });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(missing.json(), [
      {
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [Name]',
        fields: ['Name'],
      },
    ]);
    const cases: [unknown, string][] = [
      [{ type: 'Nope', fields: {} }, 'Invalid type: Nope is not an object of the org.'],
      [{ type: 'User', fields: {} }, 'Invalid type: User records are read-only.'],
      [
        { type: 'Account', fields: { Name: 'x' }, ownerUsername: 'dan@acme.example' },
        'Invalid ownerUsername: dan@acme.example is not an active user of the org.',
      ],
      [
        { type: 'Account', fields: { Name: 'x' }, ownerUsername: 'nobody@acme.example' },
        'Invalid ownerUsername: nobody@acme.example is not an active user of the org.',
      ],
    ];
    for (const [input, message] of cases) {
      const refused = await h.admin('POST', '/_chatterbox/records', input);
      assert.equal(refused.statusCode, 400, message);
      assert.equal(refused.headers['content-type'], JSON_TYPE);
      assert.deepEqual(refused.json(), invalidInput(message));
    }
  });

  test('reset drops records and custom objects, and brings back the demo records of SPEC §11', async () => {
    await h.admin('POST', '/_chatterbox/objects', INVOICE);
    const account = (await api('POST', '/sobjects/Account', { Name: 'Dropped' })).json().id;
    await reset();
    assert.deepEqual((await h.admin('GET', '/_chatterbox/objects')).json(), { objects: [] });
    assertError(
      await api('GET', '/sobjects/Invoice__c/describe'),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    assertError(
      await api('GET', `/sobjects/Account/${account}`),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );

    const org = await h.services.store.orgs.firstOrg();
    const users = new Map<string, string>();
    for (const name of ['alice', 'bob']) {
      users.set(name, (await h.services.store.users.findByUsername(`${name}@acme.example`))?.id as string);
    }
    const rows = await h.services.store.records.findLive(org?.id as string, [
      '001Cb0000000001IAA',
      '001Cb0000000002IAA',
      '006Cb0000000001IAA',
      '500Cb0000000001IAA',
    ]);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    const close = new Date((org?.createdAt as number) + 30 * 86_400_000).toISOString().slice(0, 10);
    const fields = 'Name,Industry,BillingCity,OwnerId';
    assert.deepEqual((await api('GET', `/sobjects/Account/001Cb0000000001IAA?fields=${fields}`)).json(), {
      attributes: { type: 'Account', url: `${V}/sobjects/Account/001Cb0000000001IAA` },
      Name: 'Globex Corporation',
      Industry: 'Manufacturing',
      BillingCity: 'Springfield',
      OwnerId: users.get('alice'),
      Id: '001Cb0000000001IAA',
    });
    assert.deepEqual((await api('GET', `/sobjects/Account/001Cb0000000002IAA?fields=${fields}`)).json(), {
      attributes: { type: 'Account', url: `${V}/sobjects/Account/001Cb0000000002IAA` },
      Name: 'Initech',
      Industry: null,
      BillingCity: null,
      OwnerId: users.get('bob'),
      Id: '001Cb0000000002IAA',
    });
    assert.deepEqual(
      (
        await api(
          'GET',
          '/sobjects/Opportunity/006Cb0000000001IAA?fields=Name,AccountId,StageName,CloseDate,Amount,OwnerId',
        )
      ).json(),
      {
        attributes: { type: 'Opportunity', url: `${V}/sobjects/Opportunity/006Cb0000000001IAA` },
        Name: 'Globex Renewal',
        AccountId: '001Cb0000000001IAA',
        StageName: 'Negotiation/Review',
        CloseDate: close,
        Amount: 120000,
        OwnerId: users.get('alice'),
        Id: '006Cb0000000001IAA',
      },
    );
    assert.deepEqual(
      (
        await api(
          'GET',
          '/sobjects/Case/500Cb0000000001IAA?fields=Subject,AccountId,Status,CaseNumber,OwnerId',
        )
      ).json(),
      {
        attributes: { type: 'Case', url: `${V}/sobjects/Case/500Cb0000000001IAA` },
        Subject: 'Checkout fails on mobile',
        AccountId: '001Cb0000000002IAA',
        Status: 'New',
        CaseNumber: '00001001',
        OwnerId: users.get('alice'),
        Id: '500Cb0000000001IAA',
      },
    );
    assert.deepEqual(Object.keys(byName).sort(), [
      '00001001',
      'Globex Corporation',
      'Globex Renewal',
      'Initech',
    ]);
  });
});
