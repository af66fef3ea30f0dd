// rocketfn console: plain JavaScript over the console's JSON API and its
// live stream (/api/events). Data is only ever put in the page as text.
'use strict';

const $ = id => document.getElementById(id);

const api = async (path, body) => {
  const r = await fetch(path, body === undefined ? {} : {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  let v = null;
  try { v = await r.json(); } catch (e) { /* not JSON */ }
  if (!r.ok) throw new Error((v && v.error) || r.status + ' ' + r.statusText);
  return v;
};

// el builds an element: el('td', {className: 'num'}, 'text', child...).
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

// cell appends a cell labelled with its column's header (for the narrow
// layout, where rows become cards).
function cell(tr, content, cls) {
  const td = tr.insertCell();
  const th = tr.closest('table')?.tHead?.rows[0]?.cells[td.cellIndex];
  if (th) td.dataset.label = th.textContent;
  if (content instanceof Node) td.append(content); else td.textContent = content === undefined || content === null ? '' : String(content);
  if (cls) td.className = cls;
  return td;
}

function emptyRow(tbody, ...content) {
  const tr = tbody.insertRow();
  tr.className = 'empty-row';
  const td = tr.insertCell();
  td.colSpan = tbody.closest('table').tHead.rows[0].cells.length;
  td.className = 'empty empty-cell';
  td.append(...content);
}

const code = s => el('code', {}, s);
// notice says what an action did, or why it failed.
let noticeTimer = null;
function notice(text) {
  const n = $('notice');
  n.textContent = text; n.hidden = !text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { n.hidden = true; }, 15000);
}
const badge = (text, cls) => el('span', {className: 'badge ' + (cls || text)}, text);
const fmtTime = t => t ? new Date(t).toLocaleTimeString() : '';
const fmtDateTime = t => t ? new Date(t).toLocaleString() : '';
const instName = i => i || '(default)';

function age(t) {
  if (!t) return '–';
  const s = Math.max(0, Math.round((Date.now() - new Date(t)) / 1000));
  return s < 120 ? s + ' s ago' : s < 7200 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
}
// Ages shown in the page follow the clock.
function ageSpan(t) { return el('span', {className: 'age', dataset: {time: t || ''}}, age(t)); }
setInterval(() => { for (const s of document.querySelectorAll('.age')) s.textContent = age(s.dataset.time); }, 1000);

// ---- Readable JSON: payloads and failure reasons are shown parsed and
// indented, with JSON held in strings (a message body inside an event,
// an error inside a reason) expanded.

function expand(v, depth = 0) {
  if (typeof v === 'string' && depth < 5) {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try { return expand(JSON.parse(t), depth + 1); } catch (e) { /* text */ }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map(x => expand(x, depth));
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = expand(x, depth);
    return o;
  }
  return v;
}

// jsonPre is a <pre> of v, indented, keys, strings and numbers marked.
function jsonPre(v) {
  const text = JSON.stringify(expand(v), null, 2);
  const pre = el('pre', {className: 'json'});
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let at = 0;
  for (const m of text.matchAll(re)) {
    pre.append(text.slice(at, m.index));
    const cls = m[1] ? (m[2] ? 'k' : 's') : m[3] ? 'l' : 'n';
    pre.append(el('span', {className: cls}, m[1] || m[0]));
    if (m[2]) pre.append(m[2]);
    at = m.index + m[0].length;
  }
  pre.append(text.slice(at));
  return pre;
}

// readable shows text that is, or ends with, JSON as indented JSON
// ("UnhandledInvocationError: {...}" becomes the prefix and the object).
function readable(text) {
  const s = String(text || '');
  const wrap = el('div', {className: 'readable'});
  const tryJSON = t => { try { const v = JSON.parse(t); return v !== null && typeof v === 'object' ? v : undefined; } catch (e) { return undefined; } };
  let v = tryJSON(s.trim());
  if (v !== undefined) { wrap.append(jsonPre(v)); return wrap; }
  const i = s.search(/[[{]/);
  if (i > 0 && (v = tryJSON(s.slice(i).trim())) !== undefined) {
    wrap.append(el('span', {className: 'reason-prefix'}, s.slice(0, i).replace(/[:\s]+$/, '')), jsonPre(v));
    return wrap;
  }
  wrap.append(s);
  return wrap;
}

// ---- State the page keeps from the API and the live stream.

const state = {known: {instances: [], topics: [], broker: true}, invocations: [], seen: new Set(), journeyId: ''};

// ---- Send form: the instance and topics are filled in from what the
// stack knows (s.yaml's triggers and the declared topics).

let filledInstance = null; // the instance the form filled in itself

function applyKnown(k) {
  state.known = k;
  const topics = $('known-topics'); topics.textContent = '';
  for (const t of k.topics) topics.append(el('option', {value: t.topic}, t.instance ? t.topic + ' (' + t.instance + ')' : t.topic));
  const insts = $('known-instances'); insts.textContent = '';
  for (const i of k.instances) if (i) insts.append(el('option', {value: i}));
  const tags = $('known-tags'); tags.textContent = '';
  const seen = new Set();
  for (const t of k.topics) for (const expr of t.tags) for (const tag of expr.split('||')) {
    const x = tag.trim();
    if (x && x !== '*' && !seen.has(x)) { seen.add(x); tags.append(el('option', {value: x})); }
  }
  const sel = $('search-topic');
  const chosen = sel.value;
  sel.textContent = '';
  sel.append(el('option', {value: ''}, 'every topic'));
  for (const t of k.topics) sel.append(el('option', {value: t.instance + '\u0000' + t.topic}, t.instance ? t.instance + ' / ' + t.topic : t.topic));
  sel.value = chosen;
  if (!$('topic').value) {
    const first = k.topics.find(t => t.triggers.length) || k.topics[0];
    if (first) { $('topic').value = first.topic; }
  }
  fillInstance();
  const hint = $('send-hint'); hint.textContent = '';
  if (!k.broker) {
    hint.append('Sending is not available: ' + k.noBroker);
    $('send-button').disabled = true;
  } else if (!k.topics.length) {
    hint.append('No topics yet: declare a RocketMQ trigger in s.yaml, or start ', code('rocketfn dev --topic NAME'), '.');
  } else {
    hint.append('From a terminal: ', code(sendCommand()));
  }
  renderInvocations(); // their empty state names a topic
  if (state.metrics) renderMetrics(state.metrics);
}

// fillInstance puts the topic's instance in the form, unless the user
// typed one.
function fillInstance() {
  const inst = $('instance');
  if (inst.value && inst.value !== filledInstance) return;
  const ts = state.known.topics.filter(t => t.topic === $('topic').value);
  const insts = [...new Set(ts.map(t => t.instance))];
  inst.value = insts.length === 1 ? insts[0] : '';
  filledInstance = inst.value;
}
$('topic').addEventListener('input', fillInstance);

function sendCommand() {
  const t = state.known.topics.find(t => t.triggers.length) || state.known.topics[0];
  if (!t) return 'rocketfn send --topic TOPIC --body \'{"id":"1"}\'';
  const tag = (t.tags.find(x => x && x !== '*') || '').split('||')[0].trim();
  return 'rocketfn send --topic ' + t.topic + (tag ? ' --tag ' + tag : '') + ' --body \'{"id":"1"}\'';
}

$('send-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const props = {};
  for (const kv of $('properties').value.split(',')) {
    const [k, ...v] = kv.split('='); if (k.trim()) props[k.trim()] = v.join('=').trim();
  }
  const out = $('send-result');
  try {
    const r = await api('/api/send', {topic: $('topic').value, tag: $('tag').value, keys: $('keys').value,
      instance: $('instance').value, shardingKey: $('shardingKey').value, body: $('body').value,
      properties: props, delaySeconds: Number($('delay').value) || 0});
    out.className = 'result';
    out.textContent = 'sent ' + r.messageId + ' ';
    out.append(el('button', {type: 'button', className: 'link journey-link', onclick: () => showJourney(r.messageId)}, 'follow its journey'));
  } catch (e) { out.className = 'result error'; out.textContent = 'error: ' + e.message; }
});

// ---- Functions: throughput and latency over the window, as inline SVG.

const svgNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs) {
  const e = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function throughputChart(fm) {
  const W = 300, H = 56, n = fm.buckets.length, bw = W / n;
  const peak = Math.max(1, ...fm.buckets.map(b => b.messages));
  const s = svg('svg', {class: 'chart throughput', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img',
    'aria-label': `${fm.function}: ${fm.messages} messages in ${fm.invocations} invocations over the last ${fm.windowSeconds / 60} minutes, at most ${peak} in ${fm.bucketSeconds} s`});
  fm.buckets.forEach((b, i) => {
    if (!b.messages && !b.invocations) return;
    const h = Math.max(1.5, (b.messages / peak) * (H - 4));
    const bad = b.invocations ? h * b.failed / b.invocations : 0; // the failed invocations' share, on top
    const x = (i * bw + 0.5).toFixed(1), w = Math.max(1, bw - 1).toFixed(1);
    if (h - bad > 0) s.append(svg('rect', {class: 'bar', x, y: (H - h + bad).toFixed(1), width: w, height: (h - bad).toFixed(1)}));
    if (bad > 0) s.append(svg('rect', {class: 'bar failed', x, y: (H - h).toFixed(1), width: w, height: bad.toFixed(1)}));
  });
  return s;
}

function latencyChart(fm) {
  const W = 300, H = 56, n = fm.buckets.length, bw = W / n;
  const peak = Math.max(1, ...fm.buckets.map(b => b.p99Ms));
  const s = svg('svg', {class: 'chart latency', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img',
    'aria-label': `${fm.function}: latency p50 ${fm.p50Ms.toFixed(1)} ms, p99 ${fm.p99Ms.toFixed(1)} ms over the last ${fm.windowSeconds / 60} minutes`});
  for (const [key, cls] of [['p50Ms', 'p50'], ['p99Ms', 'p99']]) {
    const pts = [];
    fm.buckets.forEach((b, i) => { if (b.invocations) pts.push(`${(i * bw + bw / 2).toFixed(1)},${(H - 2 - (b[key] / peak) * (H - 6)).toFixed(1)}`); });
    if (pts.length === 1) pts.push(pts[0].replace(/^([\d.]+)/, x => (Number(x) + 2).toFixed(1)));
    if (pts.length) s.append(svg('polyline', {class: cls, points: pts.join(' '), 'vector-effect': 'non-scaling-stroke'}));
  }
  return s;
}

function renderMetrics(list) {
  const box = $('charts'); box.textContent = '';
  if (list.error) { box.append(el('p', {className: 'empty'}, list.error)); return; }
  if (!list.length) { box.append(el('p', {className: 'empty'}, 'No functions: s.yaml has no function with a RocketMQ trigger.')); return; }
  for (const fm of list) {
    const card = el('article', {className: 'fn-card', dataset: {function: fm.function}}, el('h3', {}, fm.function));
    if (!fm.invocations) {
      card.append(el('p', {className: 'empty'}, 'No invocations in the last ' + fm.windowSeconds / 60 + ' minutes: send a message with the form or ', code(sendCommand())));
    } else {
      const perMin = fm.messages / (fm.windowSeconds / 60);
      card.append(el('p', {className: 'figures'}, `${fm.invocations} invocations · ${fm.messages} messages (${perMin.toFixed(1)}/min) · p50 ${fm.p50Ms.toFixed(1)} ms · p99 ${fm.p99Ms.toFixed(1)} ms` + (fm.failed ? ` · ${fm.failed} failed` : '')));
    }
    card.append(
      el('figure', {}, throughputChart(fm), el('figcaption', {className: 'legend'},
        `messages per ${fm.bucketSeconds} s (peak ${Math.max(0, ...fm.buckets.map(b => b.messages))}): `,
        el('span', {className: 'ok-bar'}, 'ok'), el('span', {className: 'failed-bar'}, 'failed'))),
      el('figure', {}, latencyChart(fm), el('figcaption', {className: 'legend'}, el('span', {className: 'p50'}, 'p50'), el('span', {className: 'p99'}, 'p99'),
        `latency, ms (peak ${Math.max(0, ...fm.buckets.map(b => b.p99Ms)).toFixed(1)})`)));
    box.append(card);
  }
}

// ---- Builds: a function whose last rebuild failed keeps serving its
// previous build; the compiler's output says why.

function renderBuilds(list) {
  const box = $('builds'); box.textContent = '';
  const failed = (Array.isArray(list) ? list : []).filter(b => !b.ok);
  box.hidden = !failed.length;
  for (const b of failed) {
    box.append(el('article', {className: 'build-failed', dataset: {function: b.function}},
      el('h3', {}, `${b.function}: build failed at ${new Date(b.time).toLocaleTimeString()}; build ${b.generation} keeps serving`),
      el('pre', {className: 'compiler'}, b.error || 'no output')));
  }
}

// ---- Triggers: state and pause/resume.

function renderTriggers(list) {
  const tb = $('trigger-rows'); tb.textContent = '';
  if (list.error) { emptyRow(tb, list.error); return; }
  if (!list.length) { emptyRow(tb, 'No triggers: s.yaml declares no eventbridge trigger with a RocketMQ source.'); return; }
  for (const t of list) {
    const tr = tb.insertRow(); tr.className = 'trigger'; tr.dataset.trigger = t.name;
    cell(tr, t.name); cell(tr, t.function);
    cell(tr, instName(t.instance) + ' / ' + t.topic + (t.tag && t.tag !== '*' ? ' [' + t.tag + ']' : ''));
    cell(tr, t.group, 'id');
    cell(tr, t.mode === 'event-streaming' ? `streaming, ${t.batchCount} per batch, ${t.batchWindowMs / 1000} s window` : 'one event per invocation');
    cell(tr, badge(t.state));
    cell(tr, t.stats.delivered, 'num'); cell(tr, t.stats.failed, t.stats.failed ? 'num failed' : 'num'); cell(tr, t.stats.pending, 'num');
    const paused = t.state === 'paused';
    const b = el('button', {type: 'button', className: paused ? 'resume' : 'pause', 'aria-label': (paused ? 'Resume ' : 'Pause ') + t.name},
      paused ? 'Resume' : 'Pause');
    b.onclick = async () => {
      b.disabled = true;
      try { await api('/api/triggers/' + encodeURIComponent(t.name) + (paused ? '/resume' : '/pause'), {}); }
      catch (e) { notice('error: ' + e.message); }
      refreshTriggers();
    };
    cell(tr, b);
  }
}

async function refreshTriggers() {
  try { state.triggers = await api('/api/triggers'); renderTriggers(state.triggers); } catch (e) { console.error(e); }
}

// ---- Topics and consumer groups.

function renderTopics(list) {
  const tb = $('backlog'); tb.textContent = '';
  if (list.error) { emptyRow(tb, list.error); return; }
  if (!list.length) { emptyRow(tb, 'No topics: declare a RocketMQ trigger in s.yaml, or start ', code('rocketfn dev --topic NAME'), '.'); return; }
  for (const t of list) {
    if (!t.groups.length) {
      const tr = tb.insertRow(); tr.className = 'topic-only';
      cell(tr, instName(t.instance)); cell(tr, t.topic); cell(tr, 'no consumer group yet', 'empty');
      cell(tr, ''); cell(tr, ''); cell(tr, ''); cell(tr, ''); cell(tr, ''); cell(tr, t.messages, 'num');
      continue;
    }
    for (const b of t.groups) {
      const tr = tb.insertRow(); tr.className = 'backlog'; tr.tabIndex = 0;
      tr.title = 'reset this group\'s offset';
      const pick = () => {
        $('reset-instance').value = b.instance; $('reset-topic').value = b.topic; $('reset-group').value = b.group;
        $('reset-result').textContent = '';
      };
      tr.onclick = pick;
      tr.onkeydown = e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); $('reset-to').focus(); } };
      cell(tr, instName(b.instance)); cell(tr, b.topic); cell(tr, b.group, 'id');
      cell(tr, b.trigger ? b.trigger + ' → ' + b.function : '');
      cell(tr, b.ready, b.ready ? 'num bad' : 'num'); cell(tr, b.inFlight, 'num');
      cell(tr, b.dead, b.dead ? 'num failed' : 'num'); cell(tr, ageSpan(b.oldest)); cell(tr, b.retained, 'num');
    }
  }
}

$('reset-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const out = $('reset-result');
  try {
    const r = await api('/api/reset-offset', {instance: $('reset-instance').value, topic: $('reset-topic').value,
      group: $('reset-group').value, to: $('reset-to').value});
    out.className = 'result';
    out.textContent = 'reset to ' + r.to + ': ' + r.pending + (r.pending === 1 ? ' message' : ' messages') + ' to consume';
  } catch (e) { out.className = 'result error'; out.textContent = 'error: ' + e.message; }
});

// ---- Invocations, live.

function messagesCell(ids) {
  const span = el('span', {className: 'messages'});
  if (!ids.length) return span;
  if (ids.length === 1) { span.append(el('button', {type: 'button', className: 'link journey-link mono', onclick: () => showJourney(ids[0])}, ids[0])); return span; }
  const d = el('details', {}, el('summary', {}, ids.length + ' messages'));
  for (const id of ids) d.append(el('div', {}, el('button', {type: 'button', className: 'link journey-link mono', onclick: () => showJourney(id)}, id)));
  span.append(d);
  return span;
}

function outcome(inv) {
  if (!inv.failed) return badge('ok');
  const d = el('details', {className: 'reason'}, el('summary', {}, badge('failed'), ' ', (inv.reason || '').split(/[:{\n]/)[0].slice(0, 60)));
  d.append(readable(inv.reason));
  return d;
}

async function showLogs(fn, req) {
  const panel = $('logs-panel');
  try {
    const r = await api('/api/logs?function=' + encodeURIComponent(fn) + '&request=' + encodeURIComponent(req));
    $('logs-h').textContent = 'Logs of ' + fn + ', request ' + req;
    $('logs').textContent = r.logs || '(no logs: the function wrote nothing during this invocation)';
  } catch (e) { $('logs').textContent = 'error: ' + e.message; }
  panel.hidden = false;
}

const maxRows = 200;

function invocationRow(tb, inv, at) {
  const tr = tb.insertRow(at); tr.className = 'invocation' + (inv.failed ? ' failed-row' : '');
  cell(tr, fmtTime(inv.start)); cell(tr, inv.function);
  cell(tr, el('button', {type: 'button', className: 'link request mono', title: 'show the logs', onclick: () => showLogs(inv.function, inv.requestId)}, inv.requestId));
  cell(tr, messagesCell(inv.messageIds || []));
  cell(tr, inv.attempt, 'num'); cell(tr, outcome(inv)); cell(tr, inv.durationMs.toFixed(1), 'num');
}

function renderInvocations() {
  const tb = $('invocations'); tb.textContent = '';
  if (!state.invocations.length) {
    emptyRow(tb, 'No invocations yet: send a message with the form or ', code(sendCommand()), '.');
    return;
  }
  for (const inv of state.invocations.slice(0, maxRows)) invocationRow(tb, inv, -1);
}

// addInvocation puts a new invocation on top, leaving the other rows
// (and the reasons a reader opened) as they are.
function addInvocation(inv) {
  if (state.seen.has(inv.requestId)) return;
  state.seen.add(inv.requestId);
  state.invocations.unshift(inv);
  if (state.invocations.length > maxRows) state.invocations.length = maxRows;
  const tb = $('invocations');
  for (const e of tb.querySelectorAll('tr.empty-row')) e.remove();
  invocationRow(tb, inv, 0);
  while (tb.rows.length > maxRows) tb.deleteRow(-1);
  if (state.journeyId && (inv.messageIds || []).some(id => id.toUpperCase() === state.journeyId.toUpperCase())) refreshJourneySoon();
}

// ---- Dead letters.

async function redrive(trigger, id, button) {
  if (button) button.disabled = true;
  try {
    const r = await api('/api/redrive', {trigger, ids: [id]});
    notice('re-drove ' + r.redriven + (r.redriven === 1 ? ' event' : ' events') + ' through trigger ' + trigger);
  } catch (e) { notice('error: ' + e.message); }
  if (button) button.disabled = false;
  refreshJourneySoon();
}

function renderDeadLetters(list) {
  const tb = $('deadletters'); tb.textContent = '';
  if (list.error) { emptyRow(tb, list.error); return; }
  if (!list.length) {
    emptyRow(tb, 'No dead letters. An event lands here when its invocations still fail after the retries, on a trigger with errorsTolerance ALL and a dead-letter queue, or when it blocks a trigger with errorsTolerance NONE.');
    return;
  }
  for (const d of list) {
    const tr = tb.insertRow(); tr.className = 'deadletter';
    cell(tr, d.trigger + (d.blocked ? ' (blocked)' : ''));
    cell(tr, el('button', {type: 'button', className: 'link journey-link mono', onclick: () => showJourney(d.messageId)}, d.messageId));
    cell(tr, d.attempts, 'num');
    const reason = el('div', {}, readable(d.reason));
    if (d.event) reason.append(el('details', {className: 'event'}, el('summary', {}, 'event'), jsonPre(d.event)));
    cell(tr, reason, 'failed');
    cell(tr, fmtDateTime(d.at));
    const b = el('button', {type: 'button', className: 'redrive', 'aria-label': 'Re-drive message ' + d.messageId}, 'Re-drive');
    b.onclick = () => redrive(d.trigger, d.id, b);
    cell(tr, b);
  }
}

// ---- Message search.

function groupsSummary(groups) {
  const span = el('span', {className: 'groups'});
  if (!groups.length) { span.append('no consumer group'); return span; }
  for (const g of groups) span.append(el('div', {}, badge(g.state), ' ', g.trigger ? g.trigger : g.group));
  return span;
}

const protoNames = {'mq-http': 'MQ HTTP', remoting: 'remoting', grpc: '5.x gRPC', console: 'console'};
const protoBadge = p => badge(protoNames[p] || p || 'not recorded', 'proto');

$('search-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const q = new URLSearchParams();
  for (const [name, id] of [['id', 'search-id'], ['key', 'search-key'], ['tag', 'search-tag']]) if ($(id).value.trim()) q.set(name, $(id).value.trim());
  for (const [name, id] of [['from', 'search-from'], ['to', 'search-to']]) if ($(id).value) q.set(name, new Date($(id).value).toISOString());
  const topic = $('search-topic').value;
  if (topic) { const [inst, t] = topic.split('\u0000'); q.set('instance', inst); q.set('topic', t); }
  const out = $('search-result'), tb = $('found');
  try {
    const r = await api('/api/messages?' + q);
    tb.textContent = '';
    out.className = 'result';
    out.textContent = r.messages.length + (r.truncated ? '+' : '') + (r.messages.length === 1 ? ' message' : ' messages') + ' in ' + r.topics + (r.topics === 1 ? ' topic' : ' topics');
    if (!r.messages.length) emptyRow(tb, 'No retained message matches. The local RocketMQ keeps messages 72 h (--retention); message IDs are those rocketfn send and the form print.');
    for (const m of r.messages) {
      const tr = tb.insertRow(); tr.className = 'found';
      cell(tr, fmtDateTime(m.publishTime));
      cell(tr, el('button', {type: 'button', className: 'link journey-link mono', onclick: () => showJourney(m.id)}, m.id));
      cell(tr, instName(m.instance) + ' / ' + m.topic); cell(tr, m.tag); cell(tr, m.keys); cell(tr, protoBadge(m.protocol));
      cell(tr, groupsSummary(m.groups));
    }
  } catch (e) { out.className = 'result error'; out.textContent = 'error: ' + e.message; }
});

// ---- A message's journey.

const kv = pairs => {
  const dl = el('dl', {className: 'kv'});
  for (const [k, v] of pairs) if (v !== undefined && v !== null && v !== '') dl.append(el('dt', {}, k), el('dd', {}, v));
  return dl;
};

const stateWords = {pending: 'not delivered yet', delivered: 'delivered, not acknowledged', done: 'consumed', dead: 'dead-lettered by the broker'};

function step(cls, title, meta, ...body) {
  return el('li', {className: 'step' + (cls ? ' step-' + cls : '')}, el('div', {className: 'step-title'}, title), meta ? el('div', {className: 'step-meta'}, meta) : null, ...body);
}

function bodyBlock(m) {
  if (m.base64) return el('div', {}, el('span', {className: 'step-meta'}, 'binary body, base64:'), el('pre', {}, m.body));
  if (m.bodyJson !== undefined) return jsonPre(m.bodyJson);
  return el('pre', {}, m.body === '' ? '(empty body)' : m.body);
}

function renderJourney(j) {
  const ol = $('journey-steps');
  const open = new Set([...ol.querySelectorAll('details[open]')].map(d => d.dataset.key));
  ol.textContent = '';
  $('journey-h').textContent = 'Journey of message ' + j.messageId;
  for (const m of j.published) {
    const retry = m.topic.startsWith('%');
    ol.append(step('published', el('span', {}, retry ? 'Sent back to ' : 'Published to ', instName(m.instance) + ' / ' + m.topic, ' over ', protoBadge(m.protocol)),
      fmtDateTime(m.publishTime) + (m.deliverAt ? ' · delivered from ' + fmtDateTime(m.deliverAt) : ''),
      kv([['tag', m.tag], ['keys', m.keys], ['sharding key', m.shardingKey], ['queue', m.queueId + ', offset ' + m.queueOffset], ['size', m.size + ' bytes'],
        ['properties', Object.keys(m.properties).length ? jsonPre(m.properties) : '']]),
      bodyBlock(m)));
    for (const g of m.groups) {
      const who = g.trigger ? `Trigger ${g.trigger} (function ${g.function}), group ${g.group}` : 'Group ' + g.group + (g.pull ? ' (pulls queues)' : '');
      const meta = [stateWords[g.state] || g.state];
      if (g.deliveries) meta.push(g.deliveries + (g.deliveries === 1 ? ' delivery' : ' deliveries') + (g.firstDelivery ? ', first ' + fmtDateTime(g.firstDelivery) : ''));
      if (g.skipped) meta.push('skipped by its tag filter');
      if (g.trigger && g.state === 'done') meta.push('taken over by the trigger');
      ol.append(step(g.state === 'dead' ? 'dead' : g.state === 'done' ? 'ok' : '', el('span', {}, who, ' ', badge(g.state)), meta.join(' · '),
        g.deadReason ? readable(g.deadReason) : null));
    }
  }
  const later = [];
  for (const inv of j.invocations) later.push({at: inv.start, node: step(inv.failed ? 'failed' : 'ok',
    el('span', {}, `Invocation of ${inv.function}, attempt ${inv.attempt} `, badge(inv.failed ? 'failed' : 'ok')),
    `${fmtDateTime(inv.start)} · ${inv.durationMs.toFixed(1)} ms · trigger ${inv.trigger} · request ${inv.requestId}` + (inv.messages > 1 ? ` · in a batch of ${inv.messages}` : ''),
    inv.failed ? readable(inv.reason) : null,
    el('details', {className: 'logs', dataset: {key: 'logs ' + inv.requestId}}, el('summary', {}, 'logs'), el('pre', {}, inv.logs || '(no logs)')))});
  for (const d of j.deadLetters) {
    const b = el('button', {type: 'button', className: 'redrive', onclick: ev => redrive(d.trigger, d.id, ev.target)}, 'Re-drive');
    later.push({at: d.at, node: step('dead', el('span', {}, d.blocked ? 'Blocking trigger ' : 'Dead letter of trigger ', d.trigger, ' ', badge(d.blocked ? 'blocked' : 'dead')),
      `${fmtDateTime(d.at)} · after ${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}`, readable(d.reason),
      d.event ? el('details', {dataset: {key: 'event ' + d.id}}, el('summary', {}, 'the event as delivered'), jsonPre(d.event)) : null, el('div', {className: 'actions'}, b))});
  }
  for (const r of j.redrives) later.push({at: r.at, node: step('', 'Re-driven from the console through trigger ' + r.trigger, fmtDateTime(r.at))});
  later.sort((a, b) => new Date(a.at) - new Date(b.at));
  for (const l of later) ol.append(l.node);
  for (const row of j.rows) {
    ol.append(step('ok', 'Wrote a row of table ' + row.table,
      [(row.writtenAt || []).map(fmtDateTime).join(', '), row.writes ? row.writes + (row.writes === 1 ? ' write' : ' writes') : '',
        'marker ' + row.markers.join(', ')].filter(Boolean).join(' · '), jsonPre(row.row)));
  }
  if (!j.published.length && !j.invocations.length && !j.deadLetters.length && !j.rows.length) {
    ol.append(el('li', {className: 'empty'}, 'Nothing is known of this message: check the ID; messages are kept 72 h and the console remembers the latest invocations since it started.'));
  }
  for (const n of j.notes) ol.append(el('li', {className: 'empty note'}, n));
  for (const d of ol.querySelectorAll('details')) if (open.has(d.dataset.key)) d.open = true;
}

async function showJourney(id) {
  state.journeyId = id;
  const sec = $('journey');
  sec.hidden = false;
  if (location.hash !== '#message=' + id) history.replaceState(null, '', '#message=' + encodeURIComponent(id));
  await refreshJourney();
  $('journey-h').focus();
  sec.scrollIntoView({block: 'start'});
}

async function refreshJourney() {
  if (!state.journeyId) return;
  try { renderJourney(await api('/api/messages/' + encodeURIComponent(state.journeyId))); }
  catch (e) { $('journey-steps').textContent = 'error: ' + e.message; }
}

let journeyTimer = null;
function refreshJourneySoon() {
  if (!state.journeyId || journeyTimer) return;
  journeyTimer = setTimeout(() => { journeyTimer = null; refreshJourney(); }, 300);
}

$('journey-close').onclick = () => { state.journeyId = ''; $('journey').hidden = true; history.replaceState(null, '', location.pathname); };
$('journey-refresh').onclick = refreshJourney;

// ---- Tables.

async function showTable(name) {
  state.table = name;
  const rows = await api('/api/tables/' + encodeURIComponent(name) + '?limit=100');
  const cols = [...new Set(rows.flatMap(r => Object.keys(r)))];
  const head = $('rows-head'); head.textContent = ''; const hr = head.insertRow();
  for (const c of cols) hr.append(el('th', {scope: 'col'}, c));
  const tb = $('rows'); tb.textContent = '';
  if (!rows.length) { const tr = tb.insertRow(); const td = tr.insertCell(); td.className = 'empty'; td.textContent = 'Table ' + name + ' has no rows yet.'; }
  for (const r of rows) {
    const tr = tb.insertRow(); tr.className = 'row';
    for (const c of cols) cell(tr, r[c] === undefined ? '' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c]));
  }
}

async function refreshTables() {
  try {
    const names = await api('/api/tables');
    const div = $('tables'); div.textContent = '';
    if (!names.length) { div.append(el('p', {className: 'empty'}, 'No tables yet: a function creates its table when it starts (functions/players does when ROCKETFN_LOCAL is set, as rocketfn dev sets it).')); return; }
    for (const n of names) div.append(el('button', {type: 'button', className: 'table', onclick: () => showTable(n)}, n));
  } catch (e) { $('tables').textContent = 'error: ' + e.message; }
}

let tablesTimer = null;
function refreshTablesSoon() {
  if (tablesTimer) return;
  tablesTimer = setTimeout(() => {
    tablesTimer = null;
    refreshTables();
    if (state.table) showTable(state.table);
  }, 1000);
}

// ---- The live stream.

async function refreshKnown() { try { applyKnown(await api('/api/known')); } catch (e) { console.error(e); } }

function connect() {
  const status = $('status');
  const es = new EventSource('/api/events');
  const on = (name, fn) => es.addEventListener(name, ev => { try { fn(JSON.parse(ev.data)); } catch (e) { console.error(name, e); } });
  es.onopen = () => { status.textContent = 'live'; status.className = 'live'; };
  es.onerror = () => { status.textContent = 'reconnecting…'; status.className = 'down'; };
  on('invocations', list => {
    state.invocations = list; state.seen = new Set(list.map(i => i.requestId));
    renderInvocations();
  });
  on('invocation', inv => { addInvocation(inv); refreshTablesSoon(); });
  let topicsSeen = '';
  on('topics', list => {
    renderTopics(list);
    const names = Array.isArray(list) ? list.map(t => t.instance + '/' + t.topic).join() : '';
    if (names !== topicsSeen) { topicsSeen = names; refreshKnown(); refreshTables(); }
  });
  on('triggers', list => { state.triggers = list; renderTriggers(list); });
  on('deadletters', list => { renderDeadLetters(list); refreshJourneySoon(); });
  on('metrics', list => { state.metrics = list; renderMetrics(list); });
  on('builds', list => { state.builds = list; renderBuilds(list); });
}

refreshKnown();
refreshTables();
connect();
if (location.hash.startsWith('#message=')) showJourney(decodeURIComponent(location.hash.slice('#message='.length)));
