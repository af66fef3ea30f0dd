// capture.js sends the fixture requests through the Tablestore Node.js SDK
// (the version pinned in package.json) to a capturing HTTP server on
// loopback, and writes what went on the wire:
//
//   requests/<name>.bin  each request body, byte for byte
//   requests.json        the action of each request and which plain buffers
//                        and filters it carries
//   <case>.plainbuf      each plain buffer, taken out of the captured bodies
//   <case>.filter        each column condition or read filter (a Filter
//                        message of ots_filter.proto), likewise
//
// The server answers every request with 200 and an empty body; the SDK's
// complaint about the empty answer is ignored. Nothing leaves the machine.
//
// Usage: npm install && node capture.js
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const TableStore = require('tablestore');
const protos = require('tablestore/lib/protocol/tablestore_compiled_proto.js').main.proto;

const Long = TableStore.Long;
const C = TableStore.ComparatorType;

// The rows and conditions, the same for every SDK (see ../README.md).
const key = () => [{ pk1: 'a' }, { pk2: Long.fromNumber(-7) }, { pk3: Buffer.from([0x00, 0x01, 0xff]) }];
const rangeStart = () => [{ pk1: TableStore.INF_MIN }, { pk2: TableStore.INF_MIN }, { pk3: TableStore.INF_MIN }];
const rangeEnd = () => [{ pk1: TableStore.INF_MAX }, { pk2: TableStore.INF_MAX }, { pk3: TableStore.INF_MAX }];
const autoKey = () => [{ pk1: 'a' }, { pk2: TableStore.PK_AUTO_INCR }];

const putColumns = () => [
  { s: 'v1' },
  { i: Long.fromNumber(-5) },
  { d: 3.5 },
  { t: true },
  { f: false },
  { b: Buffer.from('x') },
  { ts: Long.fromNumber(5), timestamp: 1699000000000 },
];
const autoColumns = () => [{ c: 'v' }];
const updateColumns = () => [
  { PUT: [{ p: 'v' }, { pt: 2.25, timestamp: 1699000000077 }] },
  { DELETE: [{ one: Long.fromNumber(1699000000123) }] },
  { DELETE_ALL: ['all'] },
  { INCREMENT: [{ inc: Long.fromNumber(2) }] },
];

// filter-single: s == "v1", failing rows without s, latest version only.
const filterSingle = () => new TableStore.SingleColumnCondition('s', 'v1', C.EQUAL, false, true);

// filter-composite: i > -10 AND (d <= 3.5 OR b != "y" OR t == true).
const filterComposite = () => {
  const or = new TableStore.CompositeCondition(TableStore.LogicalOperator.OR);
  or.addSubCondition(new TableStore.SingleColumnCondition('d', 3.5, C.LESS_EQUAL, false, false));
  or.addSubCondition(new TableStore.SingleColumnCondition('b', Buffer.from('y'), C.NOT_EQUAL, true, true));
  or.addSubCondition(new TableStore.SingleColumnCondition('t', true, C.EQUAL, true, true));
  const and = new TableStore.CompositeCondition(TableStore.LogicalOperator.AND);
  and.addSubCondition(new TableStore.SingleColumnCondition('i', Long.fromNumber(-10), C.GREATER_THAN, true, true));
  and.addSubCondition(or);
  return and;
};

const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
const exist = (cond) => new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_EXIST, cond);

// Each request: the SDK method, its parameters, and where its plain buffers
// and filters are (proto field paths, snake_case as in the .proto files).
const requests = [
  {
    name: 'GetRow-key', method: 'getRow',
    params: { tableName: 'sdk', primaryKey: key(), maxVersions: 1, columnFilter: filterSingle() },
    plainbuf: { primary_key: 'key' }, filter: { filter: 'filter-single' },
  },
  {
    name: 'BatchGetRow-key', method: 'batchGetRow',
    params: { tables: [{ tableName: 'sdk', primaryKey: [key()], maxVersions: 1 }] },
    plainbuf: { 'tables[0].primary_key[0]': 'key' },
  },
  {
    name: 'GetRange-scan', method: 'getRange',
    params: {
      tableName: 'sdk', direction: TableStore.Direction.FORWARD, maxVersions: 1, limit: 100,
      inclusiveStartPrimaryKey: rangeStart(), exclusiveEndPrimaryKey: rangeEnd(),
    },
    plainbuf: { inclusive_start_primary_key: 'range-start', exclusive_end_primary_key: 'range-end' },
  },
  {
    name: 'GetRange-filter', method: 'getRange',
    params: {
      tableName: 'sdk', direction: TableStore.Direction.FORWARD, maxVersions: 1, limit: 100,
      inclusiveStartPrimaryKey: rangeStart(), exclusiveEndPrimaryKey: rangeEnd(),
      columnFilter: filterComposite(),
    },
    plainbuf: { inclusive_start_primary_key: 'range-start', exclusive_end_primary_key: 'range-end' },
    filter: { filter: 'filter-composite' },
  },
  {
    name: 'PutRow-put', method: 'putRow',
    params: { tableName: 'sdk', condition: ignore(), primaryKey: key(), attributeColumns: putColumns() },
    plainbuf: { row: 'put' },
  },
  {
    name: 'PutRow-auto', method: 'putRow',
    params: {
      tableName: 'sdkauto', condition: ignore(), primaryKey: autoKey(), attributeColumns: autoColumns(),
      returnContent: { returnType: TableStore.ReturnType.Primarykey },
    },
    plainbuf: { row: 'put-auto' },
  },
  {
    name: 'UpdateRow-update', method: 'updateRow',
    params: { tableName: 'sdk', condition: ignore(), primaryKey: key(), updateOfAttributeColumns: updateColumns() },
    plainbuf: { row_change: 'update' },
  },
  {
    name: 'UpdateRow-condition', method: 'updateRow',
    params: { tableName: 'sdk', condition: exist(filterSingle()), primaryKey: key(), updateOfAttributeColumns: updateColumns() },
    plainbuf: { row_change: 'update' }, filter: { 'condition.column_condition': 'filter-single' },
  },
  {
    name: 'DeleteRow-delete', method: 'deleteRow',
    params: { tableName: 'sdk', condition: ignore(), primaryKey: key() },
    plainbuf: { primary_key: 'delete' },
  },
  {
    name: 'BatchWriteRow-put', method: 'batchWriteRow',
    params: {
      tables: [
        { tableName: 'sdk', rows: [{ type: 'PUT', condition: ignore(), primaryKey: key(), attributeColumns: putColumns() }] },
        {
          tableName: 'sdkauto', rows: [{
            type: 'PUT', condition: ignore(), primaryKey: autoKey(), attributeColumns: autoColumns(),
            returnContent: { returnType: TableStore.ReturnType.Primarykey },
          }],
        },
      ],
    },
    plainbuf: { 'tables[0].rows[0].row_change': 'put', 'tables[1].rows[0].row_change': 'put-auto' },
  },
  {
    name: 'BatchWriteRow-update', method: 'batchWriteRow',
    params: {
      tables: [{
        tableName: 'sdk',
        rows: [{ type: 'UPDATE', condition: exist(filterComposite()), primaryKey: key(), attributeColumns: updateColumns() }],
      }],
    },
    plainbuf: { 'tables[0].rows[0].row_change': 'update' },
    filter: { 'tables[0].rows[0].condition.column_condition': 'filter-composite' },
  },
  {
    name: 'BatchWriteRow-delete', method: 'batchWriteRow',
    params: { tables: [{ tableName: 'sdk', rows: [{ type: 'DELETE', condition: ignore(), primaryKey: key() }] }] },
    plainbuf: { 'tables[0].rows[0].row_change': 'delete' },
  },
];

// field follows a snake_case path such as tables[0].rows[1].row_change
// through an object decoded by protobufjs, whose fields are camelCase.
function field(msg, p) {
  let v = msg;
  for (const part of p.split('.')) {
    const m = /^([a-z_]+)(?:\[(\d+)\])?$/.exec(part);
    v = v[m[1].replace(/_([a-z])/g, (_, c) => c.toUpperCase())];
    if (m[2] !== undefined) v = v[Number(m[2])];
    if (v === undefined) throw new Error('no field ' + p);
  }
  return Buffer.from(v);
}

async function main() {
  const captured = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      captured.push({ action: req.url.replace(/^\//, ''), body: Buffer.concat(chunks) });
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': 0 });
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new TableStore.Client({
    accessKeyId: 'capture', secretAccessKey: 'capture', instancename: 'capture',
    endpoint: 'http://127.0.0.1:' + server.address().port, maxRetries: 0,
  });

  const dir = __dirname;
  fs.mkdirSync(path.join(dir, 'requests'), { recursive: true });
  const manifest = [];
  const written = {};
  const keep = (file, bytes) => {
    if (written[file] && !written[file].equals(bytes)) {
      throw new Error(file + ' differs between requests');
    }
    written[file] = bytes;
  };
  for (const r of requests) {
    const before = captured.length;
    // The SDK fails to decode the empty answer (its responses have required
    // fields); that error comes after the request was sent and is expected.
    const err = await new Promise((resolve) => client[r.method](r.params, resolve));
    if (captured.length !== before + 1) throw new Error(r.name + ': no request sent: ' + err);
    const { action, body } = captured[before];
    const msg = protos[action + 'Request'].decode(body);
    for (const [p, c] of Object.entries(r.plainbuf || {})) keep(c + '.plainbuf', field(msg, p));
    for (const [p, c] of Object.entries(r.filter || {})) keep(c + '.filter', field(msg, p));
    keep(path.join('requests', r.name + '.bin'), body);
    manifest.push({
      name: r.name, action, body: 'requests/' + r.name + '.bin',
      plainbuf: r.plainbuf || {}, filter: r.filter || {},
    });
  }
  server.close();
  for (const [file, bytes] of Object.entries(written)) fs.writeFileSync(path.join(dir, file), bytes);
  fs.writeFileSync(path.join(dir, 'requests.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log('captured %d requests, wrote %d files', manifest.length, Object.keys(written).length);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
