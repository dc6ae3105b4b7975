import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiUsage, assertError } from '../helpers/api-assert.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

const V = '/services/data/v58.0';
const stamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** The flags and names of an object in describeGlobal (F2 §1.6), for a writable standard object. */
function globalEntry(name: string, keyPrefix: string, label: string, labelPlural: string, custom = false) {
  const writable = name !== 'User';
  return {
    activateable: false,
    createable: writable,
    custom,
    customSetting: false,
    deletable: writable,
    deprecatedAndHidden: false,
    feedEnabled: true,
    keyPrefix,
    label,
    labelPlural,
    layoutable: true,
    mergeable: writable && !custom,
    mruEnabled: true,
    name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: writable,
    updateable: writable,
    urls: {
      describe: `${V}/sobjects/${name}/describe`,
      rowTemplate: `${V}/sobjects/${name}/{ID}`,
      sobject: `${V}/sobjects/${name}`,
    },
  };
}

describe('sObject REST (SPEC §12.1, §12.8)', () => {
  let h: Harness;
  let alice: string;
  let aliceId: string;
  let bobId: string;
  let danId: string;
  before(async () => {
    h = await createHarness();
    alice = await h.login('alice@acme.example');
    const id = async (u: string) => (await h.services.store.users.findByUsername(u))?.id as string;
    aliceId = await id('alice@acme.example');
    bobId = await id('bob@acme.example');
    danId = await id('dan@acme.example');
  });
  after(() => h.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    payload?: unknown,
    token = alice,
  ) =>
    h.request({
      method,
      url: `${V}${path}`,
      token,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  async function create(type: string, fields: Record<string, unknown>): Promise<string> {
    const response = await call('POST', `/sobjects/${type}`, fields);
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id;
  }

  test('POST sobjects/Account → 201 {id, success, errors} in that order; GET answers the record in describe order', async () => {
    const response = await call('POST', '/sobjects/Account/', {
      Name: 'Express Logistics and Transport',
      Industry: 'Transportation',
      AnnualRevenue: '950000.5',
      NumberOfEmployees: 12,
      attributes: { type: 'Account' },
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const { id } = response.json();
    assert.match(id, /^001[A-Za-z0-9]{15}$/);
    assert.equal(response.body, `{"id":"${id}","success":true,"errors":[]}`);
    const row = await h.services.store.records.find(
      (await h.services.store.orgs.firstOrg())?.id as string,
      id,
    );
    assert.ok(row);
    const read = await call('GET', `/sobjects/Account/${id}`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers['content-type'], JSON_TYPE);
    const body = read.json();
    assert.deepEqual(Object.keys(body).slice(0, 4), ['attributes', 'Id', 'IsDeleted', 'Name']);
    assert.deepEqual(body, {
      attributes: { type: 'Account', url: `${V}/sobjects/Account/${id}` },
      Id: id,
      IsDeleted: false,
      Name: 'Express Logistics and Transport',
      Type: null,
      Industry: 'Transportation',
      BillingStreet: null,
      BillingCity: null,
      BillingState: null,
      BillingPostalCode: null,
      BillingCountry: null,
      Phone: null,
      Website: null,
      AnnualRevenue: 950000.5,
      NumberOfEmployees: 12,
      Description: null,
      OwnerId: aliceId,
      CreatedDate: stamp(row.createdAt),
      CreatedById: aliceId,
      LastModifiedDate: stamp(row.createdAt),
      LastModifiedById: aliceId,
      SystemModstamp: stamp(row.createdAt),
    });
  });

  test('GET ?fields= answers attributes, the named fields in the order named, and Id; a bad name is 400 INVALID_FIELD', async () => {
    const id = await create('Account', { Name: 'Fields Inc', BillingCity: 'Springfield' });
    const response = await call('GET', `/sobjects/account/${id}?fields=billingcity,Name`);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.equal(
      response.body,
      JSON.stringify({
        attributes: { type: 'Account', url: `${V}/sobjects/Account/${id}` },
        BillingCity: 'Springfield',
        Name: 'Fields Inc',
        Id: id,
      }),
    );
    assertError(
      await call('GET', `/sobjects/Account/${id}?fields=Name,Nope`),
      400,
      'INVALID_FIELD',
      "No such column 'Nope' on sobject of type Account",
    );
  });

  test('PATCH → 204 changes the named fields only; null clears; LastModified moves', async () => {
    const id = await create('Account', { Name: 'Patch Co', Industry: 'Energy', Phone: '555' });
    const response = await call('PATCH', `/sobjects/Account/${id}`, {
      BillingCity: 'San Francisco',
      Phone: null,
    });
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
    const read = (await call('GET', `/sobjects/Account/${id}?fields=Name,Industry,Phone,BillingCity`)).json();
    assert.deepEqual(read, {
      attributes: { type: 'Account', url: `${V}/sobjects/Account/${id}` },
      Name: 'Patch Co',
      Industry: 'Energy',
      Phone: null,
      BillingCity: 'San Francisco',
      Id: id,
    });
  });

  test('DELETE → 204; then DELETE, GET and PATCH are 404 ENTITY_IS_DELETED with fields []', async () => {
    const id = await create('Account', { Name: 'Gone Ltd' });
    const response = await call('DELETE', `/sobjects/Account/${id}`);
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
    for (const again of [
      await call('DELETE', `/sobjects/Account/${id}`),
      await call('GET', `/sobjects/Account/${id}`),
      await call('PATCH', `/sobjects/Account/${id}`, { Name: 'Back' }),
    ]) {
      assert.equal(again.statusCode, 404);
      assert.equal(again.headers['content-type'], JSON_TYPE);
      assert.deepEqual(again.json(), [
        { errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] },
      ]);
    }
  });

  test('required fields: REQUIRED_FIELD_MISSING lists every missing one, with fields; nothing is created, no ID taken', async () => {
    const before = await create('Opportunity', {
      Name: 'Before',
      StageName: 'Prospecting',
      CloseDate: '2026-01-31',
    });
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['Account', {}, ['Name']],
      ['Account', { Name: '' }, ['Name']],
      ['Contact', { FirstName: 'Ann' }, ['LastName']],
      ['Opportunity', { Name: 'Deal' }, ['StageName', 'CloseDate']],
      ['Lead', { LastName: 'Lee' }, ['Company']],
    ];
    for (const [type, fields, missing] of cases) {
      const response = await call('POST', `/sobjects/${type}`, fields);
      assert.equal(response.statusCode, 400, type);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), [
        {
          errorCode: 'REQUIRED_FIELD_MISSING',
          message: `Required fields are missing: [${missing.join(', ')}]`,
          fields: missing,
        },
      ]);
    }
    const after = await create('Opportunity', {
      Name: 'After',
      StageName: 'Prospecting',
      CloseDate: '2026-01-31',
    });
    // The failed creates took no ID: the next Opportunity has the next number.
    assert.equal(parseInt(after.slice(6, 15), 36) - parseInt(before.slice(6, 15), 36), 1);
    const patch = await call('PATCH', `/sobjects/Opportunity/${after}`, { StageName: null });
    assert.equal(patch.statusCode, 400);
    assert.deepEqual(patch.json(), [
      {
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [StageName]',
        fields: ['StageName'],
      },
    ]);
  });

  test('INVALID_FIELD: an unknown field, or Id in the body; INVALID_FIELD_FOR_INSERT_UPDATE for a read-only field', async () => {
    assertError(
      await call('POST', '/sobjects/Account', { Name: 'x', Foo__c: 1 }),
      400,
      'INVALID_FIELD',
      "No such column 'Foo__c' on sobject of type Account",
    );
    assertError(
      await call('POST', '/sobjects/Account', { Id: '001000000000000AAA', Name: 'x' }),
      400,
      'INVALID_FIELD',
      'The Id field should not be specified in the sobject data.',
    );
    const response = await call('POST', '/sobjects/Contact', {
      LastName: 'x',
      Name: 'y',
      CreatedDate: '2020-01-01',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), [
      {
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message:
          'Unable to create/update fields: Name, CreatedDate. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
        fields: ['Name', 'CreatedDate'],
      },
    ]);
  });

  test('values are coerced as the real API does: numbers and booleans as text, dates, datetimes, text from numbers', async () => {
    const id = await create('Opportunity', {
      Name: 42,
      StageName: 'Closed Won',
      CloseDate: '2024-02-29',
      Amount: '1e3',
      Probability: 75,
    });
    const read = (
      await call('GET', `/sobjects/Opportunity/${id}?fields=Name,CloseDate,Amount,Probability`)
    ).json();
    assert.deepEqual(read, {
      attributes: { type: 'Opportunity', url: `${V}/sobjects/Opportunity/${id}` },
      Name: '42',
      CloseDate: '2024-02-29',
      Amount: 1000,
      Probability: 75,
      Id: id,
    });
    const bad: [string, Record<string, unknown>, string, string][] = [
      [
        'Account',
        { Name: 'x', NumberOfEmployees: 'many' },
        'NumberOfEmployees',
        'Employees: value not of required type: many',
      ],
      [
        'Account',
        { Name: 'x', NumberOfEmployees: 1.5 },
        'NumberOfEmployees',
        'Employees: value not of required type: 1.5',
      ],
      [
        'Account',
        { Name: 'x', AnnualRevenue: true },
        'AnnualRevenue',
        'Annual Revenue: value not of required type: true',
      ],
      ['Account', { Name: { a: 1 } }, 'Name', 'Account Name: value not of required type: {"a":1}'],
      [
        'Contact',
        { LastName: 'x', Birthdate: '2023-02-29' },
        'Birthdate',
        'Birthdate: value not of required type: 2023-02-29',
      ],
      [
        'Contact',
        { LastName: 'x', Birthdate: 20230101 },
        'Birthdate',
        'Birthdate: value not of required type: 20230101',
      ],
    ];
    for (const [type, fields, field, message] of bad) {
      const response = await call('POST', `/sobjects/${type}`, fields);
      assert.equal(response.statusCode, 400, message);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), [
        { errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message, fields: [field] },
      ]);
    }
  });

  test('STRING_TOO_LONG names the label, the value and the limit', async () => {
    const city = 'x'.repeat(41);
    const response = await call('POST', '/sobjects/Account', { Name: 'x', BillingCity: city });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), [
      {
        errorCode: 'STRING_TOO_LONG',
        message: `Billing City: data value too large: ${city} (max length=40)`,
        fields: ['BillingCity'],
      },
    ]);
    assert.equal(
      (await call('POST', '/sobjects/Account', { Name: 'x', BillingCity: 'x'.repeat(40) })).statusCode,
      201,
    );
  });

  test('references must name a live record of the right object (MALFORMED_ID); OwnerId an active user', async () => {
    const account = await create('Account', { Name: 'Parent' });
    const opportunity = await create('Opportunity', { Name: 'O', StageName: 'New', CloseDate: '2026-03-01' });
    const gone = await create('Account', { Name: 'Gone' });
    assert.equal((await call('DELETE', `/sobjects/Account/${gone}`)).statusCode, 204);
    for (const [value, shown] of [
      [opportunity, opportunity],
      [gone, gone],
      ['001xx', '001xx'],
      ['001Cb0000000zzzAAA', '001Cb0000000zzzAAA'],
    ]) {
      const response = await call('POST', '/sobjects/Contact', { LastName: 'x', AccountId: value });
      assert.equal(response.statusCode, 400, value);
      assert.deepEqual(response.json(), [
        {
          errorCode: 'MALFORMED_ID',
          message: `Account ID: id value of incorrect type: ${shown}`,
          fields: ['AccountId'],
        },
      ]);
    }
    const contact = await create('Contact', {
      LastName: 'Lee',
      FirstName: 'Ann',
      AccountId: account.slice(0, 15),
      OwnerId: bobId,
    });
    const read = (await call('GET', `/sobjects/Contact/${contact}?fields=AccountId,Name,OwnerId`)).json();
    assert.deepEqual(read, {
      attributes: { type: 'Contact', url: `${V}/sobjects/Contact/${contact}` },
      AccountId: account,
      Name: 'Ann Lee',
      OwnerId: bobId,
      Id: contact,
    });
    const inactive = await call('PATCH', `/sobjects/Contact/${contact}`, { OwnerId: danId });
    assert.equal(inactive.statusCode, 400);
    assert.deepEqual(inactive.json(), [
      {
        errorCode: 'MALFORMED_ID',
        message: `Owner ID: id value of incorrect type: ${danId}`,
        fields: ['OwnerId'],
      },
    ]);
  });

  test('Case gets its number and defaults; Lead its Status', async () => {
    const id = await create('Case', { Subject: 'Broken' });
    const read = (await call('GET', `/sobjects/Case/${id}?fields=CaseNumber,Status,Priority,Subject`)).json();
    assert.match(read.CaseNumber, /^0000\d{4}$/);
    assert.deepEqual(read, {
      attributes: { type: 'Case', url: `${V}/sobjects/Case/${id}` },
      CaseNumber: read.CaseNumber,
      Status: 'New',
      Priority: 'Medium',
      Subject: 'Broken',
      Id: id,
    });
    const lead = await create('Lead', { LastName: 'Lee', Company: 'Initrode' });
    assert.deepEqual((await call('GET', `/sobjects/Lead/${lead}?fields=Status,Name`)).json(), {
      attributes: { type: 'Lead', url: `${V}/sobjects/Lead/${lead}` },
      Status: 'Open - Not Contacted',
      Name: 'Lee',
      Id: lead,
    });
  });

  test('bad bodies: not JSON, not an object, an empty body → JSON_PARSER_ERROR', async () => {
    const notJson = await h.request({
      method: 'POST',
      url: `${V}/sobjects/Account`,
      token: alice,
      headers: { 'content-type': 'application/json' },
      payload: '{"Name":',
    });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json()[0].errorCode, 'JSON_PARSER_ERROR');
    assertError(
      await call('POST', '/sobjects/Account', [{ Name: 'x' }]),
      400,
      'JSON_PARSER_ERROR',
      'Cannot deserialize instance of SObject out of START_ARRAY token',
    );
    assertError(
      await h.request({
        method: 'POST',
        url: `${V}/sobjects/Account`,
        token: alice,
        headers: { 'content-type': 'application/json' },
        payload: '"x"',
      }),
      400,
      'JSON_PARSER_ERROR',
      'Cannot deserialize instance of SObject out of VALUE_STRING token',
    );
    assertError(
      await h.request({
        method: 'POST',
        url: `${V}/sobjects/Account`,
        token: alice,
        headers: { 'content-type': 'application/json' },
        payload: '',
      }),
      400,
      'JSON_PARSER_ERROR',
      'The HTTP entity body is required, but this request has no entity body.',
    );
  });

  test('unknown type → 404 NOT_FOUND; malformed or wrong-type ID in the path → 404 with the external-ID message', async () => {
    for (const path of ['/sobjects/Foo', '/sobjects/Foo/describe', '/sobjects/Foo__c/001000000000000AAA']) {
      assertError(await call('GET', path), 404, 'NOT_FOUND', 'The requested resource does not exist', path);
    }
    assertError(
      await call('POST', '/sobjects/Foo', { Name: 'x' }),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
    const account = await create('Account', { Name: 'Wrong type' });
    for (const id of ['23foo', account]) {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        assertError(
          await call(method, `/sobjects/Contact/${id}`, method === 'PATCH' ? { LastName: 'x' } : undefined),
          404,
          'NOT_FOUND',
          `Provided external ID field does not exist or is not accessible: ${id}`,
          `${method} ${id}`,
        );
      }
    }
    assertError(
      await call('GET', '/sobjects/Account/001Cb0000000zzzAAA'),
      404,
      'NOT_FOUND',
      'The requested resource does not exist',
    );
  });

  test('User stays read-only: writes are 405 with Allow GET,HEAD, reads answer as before', async () => {
    for (const [method, path] of [
      ['PATCH', `/sobjects/User/${aliceId}`],
      ['DELETE', `/sobjects/User/${aliceId}`],
      ['POST', '/sobjects/User'],
    ] as const) {
      const response = await call(method, path, method === 'DELETE' ? undefined : { Title: 'x' });
      assertError(
        response,
        405,
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`,
      );
      assert.equal(response.headers.allow, 'GET,HEAD');
    }
    assert.equal(
      (await call('GET', `/sobjects/User/${aliceId}?fields=Username`)).json().Username,
      'alice@acme.example',
    );
  });

  test('GET sobjects (describeGlobal) lists every object of the org by name', async () => {
    const response = await call('GET', '/sobjects');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: [
        globalEntry('Account', '001', 'Account', 'Accounts'),
        globalEntry('Case', '500', 'Case', 'Cases'),
        globalEntry('Contact', '003', 'Contact', 'Contacts'),
        globalEntry('Lead', '00Q', 'Lead', 'Leads'),
        globalEntry('Opportunity', '006', 'Opportunity', 'Opportunities'),
        globalEntry('User', '005', 'User', 'Users'),
      ],
    });
    const info = await call('GET', '/sobjects/Account');
    assert.equal(info.statusCode, 200);
    assert.deepEqual(info.json(), {
      objectDescribe: globalEntry('Account', '001', 'Account', 'Accounts'),
      recentItems: [],
    });
  });

  test('GET sobjects/{Type}/describe gives the fields with their types; Id is type id', async () => {
    const response = await call('GET', '/sobjects/Opportunity/describe');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    const body = response.json();
    const { fields, ...rest } = body;
    const { urls, ...flags } = globalEntry('Opportunity', '006', 'Opportunity', 'Opportunities');
    assert.deepEqual(rest, {
      ...flags,
      childRelationships: [],
      listviewable: null,
      lookupLayoutable: null,
      recordTypeInfos: [],
      searchLayoutable: true,
      urls: {
        ...urls,
        uiDetailTemplate: 'http://localhost:80/{ID}',
        uiEditTemplate: 'http://localhost:80/{ID}/e',
        uiNewRecord: 'http://localhost:80/006/e',
      },
    });
    assert.deepEqual(
      fields.map((f: { name: string; type: string; nillable: boolean }) => [f.name, f.type, f.nillable]),
      [
        ['Id', 'id', false],
        ['IsDeleted', 'boolean', false],
        ['AccountId', 'reference', true],
        ['Name', 'string', false],
        ['Description', 'textarea', true],
        ['StageName', 'picklist', false],
        ['Amount', 'currency', true],
        ['Probability', 'percent', true],
        ['CloseDate', 'date', false],
        ['Type', 'picklist', true],
        ['LeadSource', 'picklist', true],
        ['NextStep', 'string', true],
        ['OwnerId', 'reference', false],
        ['CreatedDate', 'datetime', false],
        ['CreatedById', 'reference', false],
        ['LastModifiedDate', 'datetime', false],
        ['LastModifiedById', 'reference', false],
        ['SystemModstamp', 'datetime', false],
      ],
    );
    assert.deepEqual(fields[0], {
      autoNumber: false,
      calculated: false,
      createable: false,
      custom: false,
      defaultValue: null,
      defaultedOnCreate: true,
      digits: 0,
      externalId: false,
      filterable: true,
      idLookup: true,
      label: 'Record ID',
      length: 18,
      name: 'Id',
      nameField: false,
      nillable: false,
      picklistValues: [],
      precision: 0,
      referenceTo: [],
      relationshipName: null,
      scale: 0,
      soapType: 'tns:ID',
      sortable: true,
      type: 'id',
      unique: false,
      updateable: false,
    });
  });

  test('external users: 403 on the internal scope; guests 401; every call counts against the quota', async () => {
    const carol = await h.login('carol@partner.example');
    assertError(
      await call('GET', '/sobjects', undefined, carol),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't access this resource.",
    );
    assertError(
      await call('POST', '/sobjects/Account', { Name: 'x' }, carol),
      403,
      'INSUFFICIENT_ACCESS',
      "External users can't access this resource.",
    );
    const first = apiUsage(await call('GET', '/sobjects/Account/describe'));
    const created = await call('POST', '/sobjects/Account', { Name: 'Counted' });
    const failed = await call('POST', '/sobjects/Account', {});
    assert.ok(first);
    assert.equal(apiUsage(created)?.used, first.used + 1);
    assert.equal(apiUsage(failed)?.used, first.used + 2);
  });

  test('POST composite/batch and connect/batch run sObject calls as the direct calls', async () => {
    const id = await create('Account', { Name: 'Batched' });
    for (const url of [`${V}/composite/batch`, `${V}/connect/batch`]) {
      const response = await h.request({
        method: 'POST',
        url,
        token: alice,
        payload: {
          batchRequests: [
            { method: 'PATCH', url: `v58.0/sobjects/Account/${id}`, richInput: { Industry: 'Retail' } },
            { method: 'GET', url: `v58.0/sobjects/Account/${id}?fields=Industry` },
            { method: 'GET', url: 'v58.0/sobjects/Account/23foo' },
          ],
        },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(response.json(), {
        hasErrors: true,
        results: [
          { statusCode: 204, result: null },
          {
            statusCode: 200,
            result: {
              attributes: { type: 'Account', url: `${V}/sobjects/Account/${id}` },
              Industry: 'Retail',
              Id: id,
            },
          },
          {
            statusCode: 404,
            result: [
              {
                errorCode: 'NOT_FOUND',
                message: 'Provided external ID field does not exist or is not accessible: 23foo',
              },
            ],
          },
        ],
      });
    }
  });
});
