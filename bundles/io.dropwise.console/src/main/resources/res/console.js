/*
 * Dropwise operator console: the browser side of the Felix Web Console plugin.
 *
 * The server renders <div id="dw-app" data-api data-csrf data-role data-operator> and this script;
 * everything else is built here with the DOM (no framework, no build step, no innerHTML with data).
 * Views are chosen by location.hash: #drops, #new-drop, #drops/ID, #deploy, #deploy/ID, #bundles.
 * Each view gets a context whose timers stop when the operator leaves the view.
 */
(function () {
  'use strict';

  const root = document.getElementById('dw-app');
  if (!root || root.dataset.dwStarted) {
    return;
  }
  root.dataset.dwStarted = 'true';

  // ------------------------------------------------------------------ settings and constants

  const API = (root.dataset.api || '/admin/v1').replace(/\/+$/, '');
  // GET /api/v1/status is public and lives beside the admin API.
  const PUBLIC_API = (root.dataset.publicApi
    || (API.endsWith('/admin/v1') ? API.slice(0, -'/admin/v1'.length) + '/api/v1' : '/api/v1')).replace(/\/+$/, '');
  const CSRF = root.dataset.csrf || '';
  const IS_ADMIN = root.dataset.role === 'admin'; // anything else is treated as read-only
  const OPERATOR = root.dataset.operator || '';
  const LOGIN_URL = '/system/console/login';
  const READ_ONLY_TITLE = 'Signed in as viewer: read only. An admin account can make this change.';
  const VIEWER_TEXT = 'You are signed in as a viewer: you can look but not change anything.';
  const BUSY_TEXT = 'The server is busy or being upgraded; retrying…';

  const TIERS = ['employee', 'vip', 'standard'];
  const TIER_LABEL = {employee: 'Employees', vip: 'VIP', standard: 'Everyone (standard)'};
  const DEFAULT_OFFSET_MINUTES = {employee: 0, vip: 15, standard: 30};
  const OUTCOMES = ['claimed', 'sold-out', 'not-eligible', 'failed'];
  const FINAL_DEPLOYMENT_STATES = new Set(['active', 'rolled-back', 'failed', 'superseded']);
  const MAX_OFFSET_MINUTES = 30 * 24 * 60;

  // ------------------------------------------------------------------ small DOM helpers

  /** Creates an element. attrs: class, test (data-test), on* listeners, value, anything else as attribute. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    let value;
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) {
        continue;
      }
      if (k === 'class') {
        el.className = v;
      } else if (k === 'test') {
        el.setAttribute('data-test', v);
      } else if (k === 'value') {
        value = v;
      } else if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    append(el, children);
    if (value !== undefined) {
      el.value = value;
    }
    return el;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';

  function svgEl(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v != null) {
        el.setAttribute(k === 'test' ? 'data-test' : k, String(v));
      }
    }
    append(el, children);
    return el;
  }

  /** Replaces el's content; like h(), skips null and false and flattens arrays. */
  function fill(el, ...children) {
    el.replaceChildren();
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c != null && c !== false) {
        el.append(c instanceof Node ? c : String(c));
      }
    }
  }

  /** Disables a state-changing control for viewers, with a title that says why. */
  function guard(el) {
    if (!IS_ADMIN) {
      if ('disabled' in el) {
        el.disabled = true;
      }
      el.setAttribute('aria-disabled', 'true');
      el.classList.add('dw-disabled');
      el.title = READ_ONLY_TITLE;
    }
    return el;
  }

  function badge(text, tone, attrs) {
    return h('span', Object.assign({class: 'dw-badge dw-badge-' + (tone || 'muted')}, attrs || {}), text);
  }

  function card(title, ...children) {
    return h('section', {class: 'dw-card'}, title ? h('h2', {class: 'dw-card-title'}, title) : null, children);
  }

  function emptyRow(colspan, text) {
    return h('tr', {class: 'dw-empty'}, h('td', {colspan}, text));
  }

  function go(path) {
    if (location.hash === '#' + path) {
      route();
    } else {
      location.hash = '#' + path;
    }
  }

  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

  /**
   * Replaces the rows of tbody with one row per item, rebuilding only rows whose data changed
   * (so a button under the mouse is not replaced by every refresh).
   */
  function patchRows(tbody, items, keyOf, render) {
    const old = new Map();
    for (const tr of tbody.children) {
      if (tr.dataset.key) {
        old.set(tr.dataset.key, tr);
      }
    }
    const rows = items.map(item => {
      const key = keyOf(item);
      const sig = JSON.stringify(item);
      const prev = old.get(key);
      if (prev && prev.dwSig === sig) {
        return prev;
      }
      const tr = render(item);
      tr.dataset.key = key;
      tr.dwSig = sig;
      return tr;
    });
    const same = rows.length === tbody.children.length && rows.every((r, i) => tbody.children[i] === r);
    if (!same) {
      tbody.replaceChildren(...rows);
    }
  }

  async function eachLimit(items, limit, fn) {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        await fn(items[next++]);
      }
    };
    await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  }

  // ------------------------------------------------------------------ time and number formatting

  let clockSkew = 0; // server clock minus browser clock, from the Date header, when it matters
  const serverNow = () => Date.now() + clockSkew;

  function pad(n, width) {
    return String(n).padStart(width || 2, '0');
  }

  /** "2026-11-27 09:15:00 UTC", from an ISO string or epoch milliseconds. */
  function fmtInstant(iso) {
    if (!iso && iso !== 0) {
      return '—';
    }
    const d = new Date(iso);
    if (isNaN(d)) {
      return String(iso);
    }
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} `
      + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  }

  /** "09:15:02.481" (UTC) */
  function fmtClock(iso, withMillis) {
    const d = new Date(iso);
    if (isNaN(d)) {
      return String(iso);
    }
    const base = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    return withMillis ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : base;
  }

  /** "in 5 min", "3 h ago" */
  function fmtRelative(ms) {
    const diff = ms - serverNow();
    const abs = Math.abs(diff);
    let text;
    if (abs < 45e3) {
      text = Math.max(1, Math.round(abs / 1e3)) + ' s';
    } else if (abs < 90 * 60e3) {
      text = Math.round(abs / 60e3) + ' min';
    } else if (abs < 48 * 3600e3) {
      text = Math.round(abs / 3600e3) + ' h';
    } else {
      text = Math.round(abs / 86400e3) + ' days';
    }
    return diff >= 0 ? 'in ' + text : text + ' ago';
  }

  function fmtNumber(n) {
    return n == null || Number.isNaN(n) ? '—' : Number(n).toLocaleString('en-US');
  }

  /** Axis labels: 950, 12k, 2.5M. */
  function fmtCompact(n) {
    const abs = Math.abs(n);
    if (abs >= 1e6) {
      return +(n / 1e6).toFixed(1) + 'M';
    }
    if (abs >= 1e4) {
      return +(n / 1e3).toFixed(1) + 'k';
    }
    return fmtNumber(n);
  }

  /** ISO-8601 duration (PT15M, P1DT2H, PT0S) or a number of seconds → milliseconds. */
  function parseDuration(value) {
    if (typeof value === 'number') {
      return value * 1e3;
    }
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(String(value || ''));
    if (!m) {
      return 0;
    }
    return (((+m[1] || 0) * 24 + (+m[2] || 0)) * 60 + (+m[3] || 0)) * 60e3 + (+m[4] || 0) * 1e3;
  }

  function fmtOffset(ms) {
    if (!ms) {
      return '+0';
    }
    const min = Math.round(ms / 60e3);
    const parts = [];
    if (min >= 1440) {
      parts.push(Math.floor(min / 1440) + ' d');
    }
    if (min % 1440 >= 60) {
      parts.push(Math.floor((min % 1440) / 60) + ' h');
    }
    if (min % 60) {
      parts.push(min % 60 + ' min');
    }
    return '+' + (parts.join(' ') || Math.round(ms / 1e3) + ' s');
  }

  /** A rule's parameters in words: "cards: GOLD, PLATINUM; minimum: 1000". */
  function fmtParams(params) {
    const words = v => Array.isArray(v) ? v.map(words).join(', ')
      : v && typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${k} ${words(x)}`).join(', ')
        : String(v);
    const entries = Object.entries(params || {});
    return entries.length ? entries.map(([k, v]) => `${k}: ${words(v)}`).join('; ') : 'no parameters';
  }

  // ------------------------------------------------------------------ page chrome

  const messageArea = h('div', {class: 'dw-message-area', test: 'message', 'aria-live': 'polite'});
  const tabs = h('nav', {class: 'dw-tabs', 'aria-label': 'Dropwise sections'},
    h('a', {href: '#drops', class: 'dw-tab', test: 'nav-drops', 'data-section': 'drops'}, 'Drops'),
    h('a', {href: '#deploy', class: 'dw-tab', test: 'nav-deploy', 'data-section': 'deploy'}, 'Deploy'),
    h('a', {href: '#bundles', class: 'dw-tab', test: 'nav-bundles', 'data-section': 'bundles'}, 'Bundles and rules'));
  const main = h('main', {class: 'dw-main'});
  const modalLayer = h('div', {class: 'dw-modal-layer'});

  root.replaceChildren(...[
    h('header', {class: 'dw-header'},
      h('div', {class: 'dw-brand'}, h('span', {class: 'dw-logo', 'aria-hidden': 'true'}), 'Dropwise operator console'),
      h('div', {class: 'dw-whoami'}, 'Signed in as ', h('strong', null, OPERATOR || 'unknown'),
        ' ', badge(IS_ADMIN ? 'admin' : 'viewer', IS_ADMIN ? 'accent' : 'muted'))),
    IS_ADMIN ? null : h('div', {class: 'dw-banner', test: 'read-only', role: 'note'},
      'Signed in as viewer: read only. You can watch drops and deployments, but not change them.'),
    tabs, messageArea, main, modalLayer].filter(Boolean));

  // The message area holds one message at a time. key: 'busy', 'session', 'flash' or 'error'.
  let messageKey = null;
  let flashTimer = null;

  function showMessage(kind, content, key) {
    if (messageKey === 'session' && key !== 'session') {
      return; // nothing matters more than signing in again
    }
    clearTimeout(flashTimer);
    messageKey = key || kind;
    // The × is drawn by CSS so the area's text is only the message.
    const close = h('button', {type: 'button', class: 'dw-msg-close', 'aria-label': 'Dismiss', title: 'Dismiss', onclick: () => clearMessage()});
    messageArea.replaceChildren(h('div', {class: 'dw-msg dw-msg-' + kind, role: kind === 'error' ? 'alert' : 'status'},
      h('div', {class: 'dw-msg-text'}, content), key === 'session' ? null : close));
    if (kind === 'success') {
      flashTimer = setTimeout(() => clearMessage('flash'), 6000);
    }
  }

  function clearMessage(onlyKey) {
    if (onlyKey && messageKey !== onlyKey) {
      return;
    }
    if (messageKey === 'session' && onlyKey !== 'session') {
      return;
    }
    messageKey = null;
    messageArea.replaceChildren();
  }

  const flash = text => showMessage('success', text, 'flash');

  // ------------------------------------------------------------------ the admin API

  class ApiError extends Error {
    /** handled: the message area already says what happened. */
    constructor(status, problem, message, handled) {
      super(message);
      this.status = status;
      this.problem = problem;
      this.handled = !!handled;
    }

    get type() {
      return this.problem && typeof this.problem.type === 'string' ? this.problem.type.replace('urn:dropwise:problem:', '') : '';
    }
  }

  let sessionEnded = false;
  let busyUntil = 0; // pollers pause until then after a 503

  function endSession() {
    sessionEnded = true;
    if (current) {
      current.dispose();
    }
    showMessage('error', ['Your session has ended; ',
      h('a', {href: LOGIN_URL, class: 'dw-link'}, 'sign in again'), '.'], 'session');
  }

  function plainError(status, problem) {
    if (problem && typeof problem.detail === 'string' && problem.detail) {
      return problem.detail;
    }
    if (problem && typeof problem.title === 'string' && problem.title) {
      return problem.title + '.';
    }
    switch (status) {
      case 400: return 'The server could not accept this request.';
      case 404: return 'That was not found on the server; it may have been removed.';
      case 409: return 'That cannot be done in the current state.';
      case 413: return 'That is too large for the server to accept.';
      case 500: return 'Something went wrong on the server. The server log has the details.';
      default: return `The server could not do that (HTTP status ${status}).`;
    }
  }

  async function readBody(res) {
    if (res.status === 204) {
      return null;
    }
    try {
      const text = await res.text();
      return text ? JSON.parse(text) : null;
    } catch (notJson) {
      return null;
    }
  }

  function noteServerClock(res) {
    const date = Date.parse(res.headers.get('Date') || '');
    if (!isNaN(date)) {
      const skew = date - Date.now();
      clockSkew = Math.abs(skew) > 2500 ? skew : 0; // the header has whole seconds only
    }
  }

  /**
   * Calls the server and answers the parsed JSON body, or throws an ApiError.
   * 401 ends the session, 403 and 503 are reported in the message area; 503 is retried
   * `retries` times after Retry-After (a 503 never leaves anything half done). Network failures
   * are retried only for GET, since a POST may have been done before the connection broke.
   */
  async function request(path, options) {
    const {method = 'GET', json, body, contentType, base = API, retries = 0, ctx} = options || {};
    // X-Requested-With lets the server tell a page's call from a browser visit (e.g. to leave out
    // WWW-Authenticate: Basic on a 401, which would make the browser pop up its own sign-in box).
    const headers = {'Accept': 'application/json', 'X-Dropwise-CSRF': CSRF, 'X-Requested-With': 'XMLHttpRequest'};
    let payload = body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(json);
    } else if (contentType) {
      headers['Content-Type'] = contentType;
    }
    for (let attempt = 0; ; attempt++) {
      if (sessionEnded) {
        throw new ApiError(401, null, 'Your session has ended.', true);
      }
      if (ctx && !ctx.alive) {
        throw new ApiError(0, null, 'The view was left.', true);
      }
      let res;
      try {
        res = await fetch(base + path, {method, credentials: 'same-origin', headers, body: payload, cache: 'no-store'});
      } catch (network) {
        if (method !== 'GET') {
          // It may have been done before the connection broke: never repeat it blindly.
          throw new ApiError(0, null, 'The server could not be reached, so it is not known whether this was done. '
            + 'Check the lists before trying again.', false);
        }
        busyUntil = Date.now() + 2000;
        showMessage('busy', 'The server cannot be reached right now; retrying…', 'busy');
        if (attempt < retries) {
          await sleep(2000);
          continue;
        }
        throw new ApiError(0, null, 'The server cannot be reached right now.', true);
      }
      noteServerClock(res);
      const data = await readBody(res);
      if (res.ok) {
        clearMessage('busy');
        return data;
      }
      if (res.status === 401) {
        endSession();
        throw new ApiError(401, data, 'Your session has ended.', true);
      }
      if (res.status === 403) {
        showMessage('error', (data && data.detail) || VIEWER_TEXT, 'error');
        throw new ApiError(403, data, (data && data.detail) || VIEWER_TEXT, true);
      }
      if (res.status === 503) {
        const wait = Math.min(Math.max(parseInt(res.headers.get('Retry-After'), 10) || 5, 1), 10) * 1e3;
        busyUntil = Date.now() + wait;
        showMessage('busy', BUSY_TEXT, 'busy');
        if (attempt < retries) {
          await sleep(wait);
          continue;
        }
        throw new ApiError(503, data, BUSY_TEXT, true);
      }
      clearMessage('busy');
      throw new ApiError(res.status, data, plainError(res.status, data), false);
    }
  }

  /** Shows an error in plain words unless it was already shown. */
  function report(e) {
    if (e instanceof ApiError) {
      if (!e.handled) {
        showMessage('error', e.message, 'error');
      }
    } else {
      // A bug in this page; say so calmly, details go to the browser console only.
      console.error('Dropwise console:', e); // eslint-disable-line no-console
      showMessage('error', 'Something went wrong in this page. Reload it to try again.', 'error');
    }
  }

  // ------------------------------------------------------------------ confirmation dialog

  let closeModal = null;

  /** Our own modal (never window.confirm). Resolves true when the operator confirms. */
  function confirmDialog({title, text, yes, danger}) {
    if (closeModal) {
      closeModal(false);
    }
    return new Promise(resolve => {
      const previous = document.activeElement;
      const noBtn = h('button', {type: 'button', class: 'dw-btn', test: 'confirm-no'}, 'Cancel');
      const yesBtn = h('button', {type: 'button', class: 'dw-btn ' + (danger ? 'dw-danger' : 'dw-primary'), test: 'confirm-yes'}, yes || 'Yes');
      const dialog = h('div', {class: 'dw-modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'dw-modal-title', test: 'confirm'},
        h('h3', {id: 'dw-modal-title'}, title),
        h('p', null, text),
        h('div', {class: 'dw-modal-actions'}, noBtn, yesBtn));
      const backdrop = h('div', {class: 'dw-modal-backdrop'}, dialog);
      const onKey = ev => {
        if (ev.key === 'Escape') {
          ev.preventDefault();
          close(false);
        } else if (ev.key === 'Tab') { // keep focus inside the dialog
          ev.preventDefault();
          (document.activeElement === noBtn ? yesBtn : noBtn).focus();
        }
      };
      const close = answer => {
        closeModal = null;
        backdrop.remove();
        document.removeEventListener('keydown', onKey, true);
        if (previous && previous.isConnected && previous.focus) {
          previous.focus();
        }
        resolve(answer);
      };
      closeModal = close;
      noBtn.addEventListener('click', () => close(false));
      yesBtn.addEventListener('click', () => close(true));
      backdrop.addEventListener('click', ev => {
        if (ev.target === backdrop) {
          close(false);
        }
      });
      document.addEventListener('keydown', onKey, true);
      modalLayer.append(backdrop);
      noBtn.focus();
    });
  }

  // ------------------------------------------------------------------ drops: state in words

  function tierOpenings(drop) {
    const base = Date.parse(drop.opensAt);
    const out = {};
    for (const t of TIERS) {
      const given = drop.opensAtPerTier && Date.parse(drop.opensAtPerTier[t]);
      out[t] = given || base + (drop.tierOffsets && drop.tierOffsets[t] != null
        ? parseDuration(drop.tierOffsets[t]) : DEFAULT_OFFSET_MINUTES[t] * 60e3);
    }
    return out;
  }

  /** {key, label, tone, hint}: upcoming, open for employees / VIP / everyone, sold out, closed, drawn. */
  function dropState(drop, stats) {
    const now = serverNow();
    const wire = typeof drop.state === 'string' ? drop.state.toLowerCase().replace('_', '-') : '';
    const s = stats || drop.stats;
    const opens = tierOpenings(drop);
    if (wire === 'drawn' || drop.drawnAt) {
      return {key: 'drawn', label: 'drawn', tone: 'accent', hint: drop.drawnAt ? 'Drawn ' + fmtInstant(drop.drawnAt) : ''};
    }
    if (wire === 'closed' || (drop.closesAt && now >= Date.parse(drop.closesAt))) {
      return {key: 'closed', label: 'closed', tone: 'muted', hint: drop.closesAt ? 'Closed ' + fmtInstant(drop.closesAt) : ''};
    }
    if (wire === 'sold-out' || (drop.kind === 'stock' && s && s.remaining === 0)) {
      return {key: 'sold-out', label: 'sold out', tone: 'warn', hint: 'No unit left'};
    }
    const hint = TIERS.map(t => `${TIER_LABEL[t]}: ${fmtInstant(opens[t])}`).join('\n');
    const open = TIERS.filter(t => now >= opens[t]);
    if (wire === 'upcoming' || open.length === 0) {
      return {key: 'upcoming', label: 'upcoming', tone: 'info', hint: 'Opens ' + fmtRelative(Math.min(...TIERS.map(t => opens[t]))) + '\n' + hint};
    }
    if (open.length === TIERS.length) {
      return {key: 'open-everyone', label: 'open for everyone', tone: 'ok', hint};
    }
    if (open.includes('vip')) {
      return {key: 'open-vip', label: 'open for VIP', tone: 'ok', hint: 'Open for employees and VIP customers\n' + hint};
    }
    if (open.includes('employee')) {
      return {key: 'open-employees', label: 'open for employees', tone: 'ok', hint};
    }
    return {key: 'open', label: 'open for ' + open.map(t => TIER_LABEL[t]).join(', '), tone: 'ok', hint};
  }

  function stateBadge(state) {
    return badge(state.label, state.tone, {title: state.hint || null, 'data-state': state.key});
  }

  // ------------------------------------------------------------------ view: #drops

  function viewDrops(ctx) {
    const newButton = guard(h('button', {type: 'button', class: 'dw-btn dw-primary', test: 'new-drop',
      onclick: () => IS_ADMIN && go('new-drop')}, 'New drop'));
    const tbody = h('tbody', null, emptyRow(5, 'Loading drops…'));
    main.append(h('section', {class: 'dw-card'},
      h('div', {class: 'dw-card-head'}, h('h2', {class: 'dw-card-title'}, 'Drops'), newButton),
      h('table', {class: 'dw-table', test: 'drops'},
        h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Kind'),
          h('th', {class: 'dw-num'}, 'Stock / remaining'), h('th', null, 'Opens'), h('th', null, 'State'))),
        tbody)));

    // The list has no live counts, so each drop's stats come from GET /drops/ID. Drops whose
    // counts can no longer change (drawn, closed, sold out) are fetched once.
    const statsCache = new Map();

    ctx.every(2000, async () => {
      const data = await request('/drops', {ctx});
      const drops = (data && data.drops) || [];
      const needStats = drops.filter(d => !d.stats && !(statsCache.get(d.id) || {}).final);
      await eachLimit(needStats, 6, async d => {
        try {
          const full = await request('/drops/' + encodeURIComponent(d.id), {ctx});
          const state = dropState(full, full.stats);
          statsCache.set(d.id, {stats: full.stats, final: ['drawn', 'closed', 'sold-out'].includes(state.key)});
        } catch (e) {
          if (e.handled) {
            throw e;
          } // otherwise leave the counts blank for this drop
        }
      });
      if (!ctx.alive) {
        return;
      }
      if (!drops.length) {
        tbody.replaceChildren(emptyRow(5, IS_ADMIN ? 'No drops yet. Create one with “New drop”.' : 'No drops yet.'));
        return;
      }
      const rows = drops.map(d => {
        const stats = d.stats || (statsCache.get(d.id) || {}).stats || null;
        return {drop: d, stats, state: dropState(d, stats), minute: Math.floor(serverNow() / 60e3)};
      });
      patchRows(tbody, rows, r => r.drop.id, renderDropRow);
    });
  }

  function renderDropRow({drop, stats, state}) {
    let amount;
    if (drop.kind === 'stock') {
      amount = stats && stats.remaining != null
        ? [h('strong', null, fmtNumber(stats.remaining)), ' left of ', fmtNumber(drop.stock)]
        : [fmtNumber(drop.stock), ' units'];
    } else {
      amount = [stats ? fmtNumber(stats.entries) + ' entries · ' : '', fmtNumber(drop.winners), ' winners'];
    }
    const opens = Date.parse(drop.opensAt);
    return h('tr', {test: 'drop-row', 'data-id': drop.id},
      h('td', null, h('a', {href: '#drops/' + encodeURIComponent(drop.id), class: 'dw-link dw-strong'}, drop.title || drop.id),
        drop.reward ? h('div', {class: 'dw-sub'}, drop.reward) : null),
      h('td', null, drop.kind === 'draw' ? 'Draw' : 'Stock'),
      h('td', {class: 'dw-num'}, amount),
      h('td', null, fmtInstant(drop.opensAt), h('div', {class: 'dw-sub'}, isNaN(opens) ? '' : fmtRelative(opens))),
      h('td', {test: 'drop-state'}, stateBadge(state)));
  }

  // ------------------------------------------------------------------ view: #new-drop

  /** datetime-local value (read as UTC) → "2026-11-27T09:00:00Z"; '' → null; unreadable → undefined. */
  function localInputToUtc(value) {
    if (!value) {
      return null;
    }
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?$/.exec(value);
    if (!m) {
      return undefined;
    }
    const iso = `${m[1]}T${m[2]}${m[3] || ':00'}Z`;
    return isNaN(Date.parse(iso)) ? undefined : iso;
  }

  function nextFullHourUtc() {
    const d = new Date(serverNow() + 3600e3);
    d.setUTCMinutes(0, 0, 0);
    return d.toISOString().slice(0, 16);
  }

  function viewNewDrop(ctx) {
    const fields = new Map(); // API field name → its .dw-field wrapper
    const id = name => 'dw-f-' + name.replace(/[^a-zA-Z0-9]/g, '-');

    function field(name, label, control, hint, extraClass) {
      if (control.tagName && !control.id) {
        control.id = id(name);
      }
      const wrap = h('div', {class: 'dw-field ' + (extraClass || ''), 'data-field': name},
        h('label', {for: control.id || null}, label), control,
        hint ? h('div', {class: 'dw-hint'}, hint) : null,
        h('div', {class: 'dw-field-errors'}));
      fields.set(name, wrap);
      return wrap;
    }

    const input = (name, attrs) => h('input', Object.assign({name, id: id(name)}, attrs));
    const kind = h('select', {name: 'kind', id: id('kind')},
      h('option', {value: 'stock'}, 'Stock: first come, first served'),
      h('option', {value: 'draw'}, 'Draw: winners picked among entries'));
    const perCustomer = input('perCustomerLimit', {type: 'number', min: 1, max: 1000, step: 1, value: '1'});
    const rules = h('textarea', {name: 'rules', id: id('rules'), rows: 5, spellcheck: 'false', class: 'dw-mono', value: '[]'});

    const tierInputs = TIERS.map(t => {
      const name = 'tierOffsets.' + t;
      const el = input(name, {type: 'number', min: 0, max: MAX_OFFSET_MINUTES, step: 1, value: String(DEFAULT_OFFSET_MINUTES[t])});
      const wrap = h('div', {class: 'dw-field dw-tier', 'data-field': name},
        h('label', {for: el.id}, TIER_LABEL[t]), h('div', {class: 'dw-suffix'}, el, h('span', null, 'min')),
        h('div', {class: 'dw-field-errors'}));
      fields.set(name, wrap);
      return wrap;
    });
    const tierGroup = h('div', {class: 'dw-field dw-span-2', 'data-field': 'tierOffsets'},
      h('div', {class: 'dw-label'}, 'Tier openings (minutes after “Opens at”)'),
      h('div', {class: 'dw-tiers'}, tierInputs),
      h('div', {class: 'dw-hint'}, 'Each tier may claim from “Opens at” plus its offset (0 to 30 days).'),
      h('div', {class: 'dw-field-errors'}));
    fields.set('tierOffsets', tierGroup);

    const ruleHelp = h('div', {class: 'dw-rule-help'});
    const submit = guard(h('button', {type: 'submit', class: 'dw-btn dw-primary', test: 'create-drop'}, 'Create drop'));
    const formErrorSlot = h('div');

    const form = h('form', {class: 'dw-form', test: 'drop-form', novalidate: true},
      formErrorSlot,
      h('div', {class: 'dw-grid'},
        field('title', 'Name', input('title', {type: 'text', maxlength: 200, required: true, autocomplete: 'off'}),
          'What customers see, e.g. “Cinema Friday”.', 'dw-span-2'),
        field('reward', 'Description of the reward', h('textarea', {name: 'reward', id: id('reward'), rows: 2, maxlength: 2000, required: true}),
          'e.g. “Two cinema tickets”.', 'dw-span-2'),
        field('kind', 'Kind', kind),
        field('stock', 'Stock (units)', input('stock', {type: 'number', min: 1, max: 10000000, step: 1, required: true}),
          '1 to 10,000,000 units; never oversold.'),
        field('winners', 'Winners', input('winners', {type: 'number', min: 1, max: 10000000, step: 1}),
          'How many entries win the draw.'),
        field('opensAt', 'Opens at (UTC)', input('opensAt', {type: 'datetime-local', step: 1, value: nextFullHourUtc(), required: true}),
          'When the first tier may claim. Times are UTC.'),
        field('closesAt', 'Closes at (UTC, optional)', input('closesAt', {type: 'datetime-local', step: 1}),
          'Must be after the last tier opens. Leave empty for no closing time.'),
        tierGroup,
        field('perCustomerLimit', 'Limit per customer', perCustomer, 'Units one customer may hold (1 to 1000).'),
        field('onRuleFailure', 'When a rule cannot decide', h('select', {name: 'onRuleFailure', id: id('onRuleFailure')},
          h('option', {value: 'deny'}, 'deny: refuse claims until the rule is back'),
          h('option', {value: 'skip'}, 'skip: treat the rule as passed'),
          h('option', {value: 'hold'}, 'hold: hold claims back until the rule is back'))),
        field('rules', 'Eligibility rules', rules,
          ['A list of rules, each {"type": …, "params": {…}}. Leave [] for none; every drop already checks tier openings.', ruleHelp],
          'dw-span-2')),
      h('div', {class: 'dw-form-actions'},
        h('a', {href: '#drops', class: 'dw-btn dw-ghost'}, 'Cancel'), submit));

    main.append(card('New drop', form));

    // Stock or winners, depending on the kind; a draw takes one entry per customer.
    const syncKind = () => {
      const draw = kind.value === 'draw';
      fields.get('stock').hidden = draw;
      fields.get('winners').hidden = !draw;
      perCustomer.disabled = draw;
      if (draw) {
        perCustomer.value = '1';
      }
      fields.get('perCustomerLimit').querySelector('.dw-hint').textContent = draw
        ? 'A draw takes one entry per customer.' : 'Units one customer may hold (1 to 1000).';
    };
    kind.addEventListener('change', syncKind);
    syncKind();

    // The rule types on offer, with a button that adds a template to the rules list.
    request('/rules', {ctx}).then(data => {
      const types = ((data && data.rules) || []).filter(r => r.present && r.type !== 'tier-window');
      if (!ctx.alive || !types.length) {
        return;
      }
      const placeholder = {string: '', string_list: [], integer: 0, number: 0, boolean: false, duration: 'PT1H', instant: '2026-01-01T00:00:00Z'};
      fill(ruleHelp, 'Add a rule: ', types.map(r => h('button', {
        type: 'button', class: 'dw-chip', title: r.description || null,
        onclick: () => {
          let list;
          try {
            list = JSON.parse(rules.value || '[]');
          } catch (e) {
            list = null;
          }
          if (!Array.isArray(list)) {
            showFieldErrors({rules: 'fix the list first: it must be a JSON array'});
            return;
          }
          const params = {};
          for (const p of r.parameters || []) {
            if (p.required) {
              params[p.name] = placeholder[p.type] !== undefined ? placeholder[p.type] : '';
            }
          }
          list.push({type: r.type, params});
          rules.value = JSON.stringify(list, null, 2);
        }
      }, r.type)));
    }).catch(e => report(e));

    function clearErrors() {
      form.querySelectorAll('.dw-field-errors').forEach(el => el.replaceChildren());
      form.querySelectorAll('.dw-invalid').forEach(el => el.classList.remove('dw-invalid'));
      formErrorSlot.replaceChildren();
    }

    /** The field an error key belongs to: exact name, or the group it is part of. */
    function fieldFor(key) {
      let wrap = fields.get(key);
      if (!wrap && /^rules[[.]/.test(key)) {
        wrap = fields.get('rules');
      } else if (!wrap && key.startsWith('tierOffsets.')) {
        wrap = fields.get('tierOffsets');
      }
      return wrap && !wrap.hidden ? wrap : null;
    }

    /** "rules[0].params.cards" → "Rule 1, cards: " ; "tierOffsets.gold" → "gold: " */
    function errorPlace(key) {
      const m = /^rules\[(\d+)\](?:\.(.*))?$/.exec(key);
      if (m) {
        return `Rule ${Number(m[1]) + 1}${m[2] ? ', ' + m[2].replace(/^params\./, '') : ''}: `;
      }
      return key.replace(/^tierOffsets\./, '') + ': ';
    }

    function showFieldErrors(errors) {
      clearErrors();
      const loose = [];
      for (const [key, text] of Object.entries(errors)) {
        const wrap = fieldFor(key);
        if (!wrap) {
          loose.push([key, text]);
          continue;
        }
        wrap.classList.add('dw-invalid');
        const where = key === wrap.dataset.field ? '' : errorPlace(key);
        wrap.querySelector('.dw-field-errors').append(h('div', {class: 'dw-error', test: 'error-' + key}, where + text));
      }
      if (loose.length) {
        formErrorSlot.append(h('div', {class: 'dw-form-error', test: 'form-error', role: 'alert'},
          h('p', null, 'The server could not accept the drop:'),
          h('ul', null, loose.map(([key, text]) => h('li', null, key ? `${key}: ${text}` : text)))));
      }
      const first = form.querySelector('.dw-invalid input, .dw-invalid textarea, .dw-invalid select');
      if (first) {
        first.focus();
      }
    }

    /** Reads the form into the API's drop spec, checking what the server would check. */
    function collect() {
      const value = name => (form.elements[name].value || '').trim();
      const errors = {};
      const body = {};
      const whole = (name, min, max) => {
        const text = value(name);
        if (text === '') {
          return undefined;
        }
        const n = Number(text);
        if (!Number.isInteger(n)) {
          errors[name] = 'must be a whole number';
        } else if (n < min || n > max) {
          errors[name] = `must be from ${fmtNumber(min)} to ${fmtNumber(max)}`;
        }
        return n;
      };

      body.title = value('title');
      if (!body.title) {
        errors.title = 'required: give the drop a name';
      }
      body.reward = value('reward');
      if (!body.reward) {
        errors.reward = 'required: say what the reward is';
      }
      body.kind = kind.value;
      const countField = body.kind === 'stock' ? 'stock' : 'winners';
      body[countField] = whole(countField, 1, 10000000);
      if (body[countField] === undefined) {
        errors[countField] = `required for a ${body.kind} drop`;
      }

      body.opensAt = localInputToUtc(value('opensAt'));
      if (!body.opensAt) {
        errors.opensAt = 'required: pick a date and time (UTC)';
      }
      const closesAt = localInputToUtc(value('closesAt'));
      if (closesAt === undefined) {
        errors.closesAt = 'not a date and time';
      } else if (closesAt) {
        body.closesAt = closesAt;
      }

      body.tierOffsets = {};
      let largest = 0;
      for (const t of TIERS) {
        const name = 'tierOffsets.' + t;
        const minutes = whole(name, 0, MAX_OFFSET_MINUTES);
        if (minutes === undefined) {
          errors[name] = 'required: minutes after opening (0 for none)';
        } else if (!errors[name]) {
          body.tierOffsets[t] = `PT${minutes}M`;
          largest = Math.max(largest, minutes);
        }
      }
      if (body.opensAt && body.closesAt && Date.parse(body.closesAt) <= Date.parse(body.opensAt) + largest * 60e3) {
        errors.closesAt = 'must be after the last tier opens (' + fmtInstant(Date.parse(body.opensAt) + largest * 60e3) + ')';
      }

      const limit = whole('perCustomerLimit', 1, body.kind === 'draw' ? 1 : 1000);
      if (limit !== undefined) {
        body.perCustomerLimit = limit;
      }
      body.onRuleFailure = form.elements.onRuleFailure.value;

      const rulesText = rules.value.trim() || '[]';
      try {
        const list = JSON.parse(rulesText);
        if (!Array.isArray(list)) {
          errors.rules = 'must be a list: [ … ]';
        } else {
          list.forEach((r, i) => {
            if (!r || typeof r !== 'object' || Array.isArray(r)) {
              errors[`rules[${i}]`] = 'must be an object with a type and params';
            } else if (typeof r.type !== 'string' || !r.type.trim()) {
              errors[`rules[${i}].type`] = 'required: the rule type';
            } else if (r.type.trim() === 'tier-window') {
              errors[`rules[${i}].type`] = 'tier-window applies to every drop; do not list it';
            }
          });
          body.rules = list;
        }
      } catch (e) {
        errors.rules = 'this is not a valid list; check brackets, quotes and commas';
      }
      return {body, errors};
    }

    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      if (!IS_ADMIN) {
        showMessage('error', VIEWER_TEXT, 'error');
        return;
      }
      const {body, errors} = collect();
      if (Object.keys(errors).length) {
        showFieldErrors(errors);
        showMessage('error', 'The drop was not created: fix the fields marked below.', 'error');
        return;
      }
      clearErrors();
      submit.disabled = true;
      submit.textContent = 'Creating…';
      try {
        const drop = await request('/drops', {method: 'POST', json: body, retries: 2, ctx});
        flash(`Drop “${drop.title}” created.`);
        go('drops/' + encodeURIComponent(drop.id));
      } catch (e) {
        if (!ctx.alive) {
          return;
        }
        if (e.problem && e.problem.errors && typeof e.problem.errors === 'object') {
          showFieldErrors(e.problem.errors);
          showMessage('error', 'The drop was not created: fix the fields marked below.', 'error');
        } else {
          report(e);
        }
      } finally {
        if (ctx.alive) {
          submit.disabled = false;
          submit.textContent = 'Create drop';
        }
      }
    });
  }

  // ------------------------------------------------------------------ view: #drops/ID

  function bigNumber(label, test, sub) {
    const value = h('div', {class: 'dw-big', test}, '—');
    const labelEl = h('div', {class: 'dw-big-label'}, label);
    const subEl = h('div', {class: 'dw-sub'}, sub || '');
    return {el: h('div', {class: 'dw-stat'}, labelEl, value, subEl), value, labelEl, subEl};
  }

  function viewDrop(ctx, dropId) {
    const path = '/drops/' + encodeURIComponent(dropId);
    const title = h('h2', {class: 'dw-card-title'}, 'Drop');
    const stateSlot = h('span', {test: 'drop-state'});
    const meta = h('dl', {class: 'dw-meta'});
    const claimed = bigNumber('Claimed', 'claimed-count');
    const remaining = bigNumber('Remaining', 'remaining');
    const rate = bigNumber('Claims per second', 'claims-per-second', 'over the last 5 s');
    const chart = svgEl('svg', {test: 'burndown', class: 'dw-chart', viewBox: '0 0 960 260', role: 'img', 'aria-label': 'Remaining stock over time'});
    const chartTitle = h('h2', {class: 'dw-card-title'}, 'Burn-down');
    const outcomes = h('table', {class: 'dw-table dw-outcomes', test: 'outcomes'});
    const outcomesNote = h('p', {class: 'dw-sub'});
    const drawCard = h('section', {class: 'dw-card', hidden: true});

    const view = h('div', {test: 'drop-view', class: 'dw-drop-view'},
      h('a', {href: '#drops', class: 'dw-back'}, '← All drops'),
      h('section', {class: 'dw-card'}, h('div', {class: 'dw-card-head'}, title, stateSlot), meta),
      h('div', {class: 'dw-stats'}, claimed.el, remaining.el, rate.el),
      h('section', {class: 'dw-card'}, chartTitle, chart),
      h('section', {class: 'dw-card'}, h('h2', {class: 'dw-card-title'}, 'Outcomes per tier'), outcomes, outcomesNote),
      drawCard);
    main.append(view);

    let activityMissing = false; // the server has no /activity endpoint (older HTTP front)
    const samples = []; // [{t, count}] for the rate when there is no activity endpoint
    const drawState = {proof: null, loading: false, tried: false, running: false, rendered: ''};

    ctx.every(1000, async () => {
      let drop;
      let act = null;
      try {
        [drop, act] = await Promise.all([
          request(path, {ctx}),
          activityMissing ? null : request(path + '/activity', {ctx}).catch(e => {
            if (e.status === 404 || e.status === 405) {
              activityMissing = true;
              return null;
            }
            throw e;
          })]);
      } catch (e) {
        if (e.status === 404) {
          view.replaceChildren(h('a', {href: '#drops', class: 'dw-back'}, '← All drops'),
            card('Drop not found', h('p', null, `There is no drop ${dropId}. It may have been removed, or the link is wrong.`)));
          return false; // stop refreshing
        }
        throw e;
      }
      if (!ctx.alive) {
        return;
      }
      render(drop, act);
    });

    function render(drop, act) {
      const stats = drop.stats || {};
      const isDraw = drop.kind === 'draw';
      const now = serverNow();
      title.textContent = drop.title || drop.id;
      stateSlot.replaceChildren(stateBadge(dropState(drop, stats)));
      renderMeta(drop);

      // Big numbers. For draws the first number counts entries and there is no stock.
      const count = isDraw ? (stats.entries != null ? stats.entries : act && act.claimed)
        : (act && act.claimed != null ? act.claimed : stats.claimed);
      const left = isDraw ? null : (act && act.remaining != null ? act.remaining : stats.remaining);
      claimed.labelEl.textContent = isDraw ? 'Entries' : 'Claimed';
      claimed.value.textContent = fmtNumber(count);
      claimed.subEl.textContent = isDraw ? `for ${fmtNumber(drop.winners)} winners` : `of ${fmtNumber(drop.stock)} units`;
      remaining.value.textContent = isDraw ? '—' : fmtNumber(left);
      remaining.subEl.textContent = isDraw ? 'a draw has no stock' : (left === 0 ? 'sold out' : 'units left');
      rate.labelEl.textContent = isDraw ? 'Entries per second' : 'Claims per second';

      samples.push({t: now, count: count || 0});
      while (samples.length && samples[0].t < now - 6000) {
        samples.shift();
      }
      rate.value.textContent = ratePerSecond(act, now).toFixed(1);

      drawChart(chart, burndownSeries(drop, act, left, count, now), isDraw);
      chartTitle.textContent = isDraw ? 'Entries over time' : 'Burn-down: remaining stock over time';
      chart.setAttribute('aria-label', isDraw ? 'Entries over time' : 'Remaining stock over time');
      renderOutcomes(act, stats, isDraw);
      if (isDraw) {
        renderDraw(drop, stats);
      }
    }

    /** Claims per second over the last 5 whole seconds, from the store's per-second counts. */
    function ratePerSecond(act, now) {
      if (act && Array.isArray(act.perSecond)) {
        const end = Math.floor(now / 1000) * 1000; // the current second is still filling
        const sum = act.perSecond.reduce((n, p) => {
          const t = Date.parse(p.second);
          return t >= end - 5000 && t < end ? n + (p.claimed || 0) : n;
        }, 0);
        return sum / 5;
      }
      const first = samples.find(s => s.t >= now - 5500) || samples[0];
      const last = samples[samples.length - 1];
      return first && last && last.t > first.t ? Math.max(0, (last.count - first.count) * 1000 / (last.t - first.t)) : 0;
    }

    function renderMeta(drop) {
      const opens = tierOpenings(drop);
      const row = (label, ...value) => [h('dt', null, label), h('dd', null, value)];
      const items = [
        row('Reward', drop.reward || '—'),
        row('Kind', drop.kind === 'draw' ? `Draw: ${fmtNumber(drop.winners)} winners` : `Stock: ${fmtNumber(drop.stock)} units`),
        row('Opens', h('ul', {class: 'dw-plain'}, TIERS.map(t => h('li', null, h('span', {class: 'dw-tier-name'}, TIER_LABEL[t]), ' ',
          fmtInstant(opens[t]), ' ',
          h('span', {class: 'dw-sub-inline'}, `(${fmtOffset(opens[t] - Date.parse(drop.opensAt))}, ${fmtRelative(opens[t])})`))))),
        row('Closes', drop.closesAt ? [fmtInstant(drop.closesAt), ' ', h('span', {class: 'dw-sub-inline'}, `(${fmtRelative(Date.parse(drop.closesAt))})`)] : 'no closing time'),
        row('Per customer', drop.kind === 'draw' ? 'one entry' : `${fmtNumber(drop.perCustomerLimit)} unit(s)`),
        row('Rules', drop.rules && drop.rules.length
          ? h('ul', {class: 'dw-plain'}, drop.rules.map(r => h('li', null, h('strong', null, r.type), ' ', h('span', {class: 'dw-sub-inline'}, fmtParams(r.params)))))
          : 'tier openings only'),
        row('If a rule cannot decide', {deny: 'deny the claim', skip: 'skip the rule', hold: 'hold claims back'}[drop.onRuleFailure] || drop.onRuleFailure || '—'),
        row('Created', fmtInstant(drop.createdAt)),
        drop.kind === 'draw' ? row('Seed hash', h('code', {class: 'dw-hash'}, drop.seedHash || '—')) : null,
        row('Id', h('code', null, drop.id))];
      meta.replaceChildren(...items.flat().filter(Boolean));
    }

    function renderOutcomes(act, stats, isDraw) {
      const outcomeKeys = OUTCOMES.slice();
      const perTier = act && act.outcomes;
      if (perTier) { // show any further outcome the server counts, after the usual four
        for (const t of TIERS) {
          for (const k of Object.keys(perTier[t] || {})) {
            if (!outcomeKeys.includes(k)) {
              outcomeKeys.push(k);
            }
          }
        }
      }
      const cell = (tier, key) => {
        if (perTier) {
          return (perTier[tier] || {})[key] || 0;
        }
        return key === 'claimed' && stats.perTier ? stats.perTier[tier] || 0 : null;
      };
      const totals = {};
      const heading = k => k === 'claimed' && isDraw ? 'entered' : k.replace(/-/g, ' ');
      const body = TIERS.map(t => h('tr', {'data-tier': t}, h('th', {scope: 'row'}, TIER_LABEL[t]), outcomeKeys.map(k => {
        const v = cell(t, k);
        totals[k] = v == null ? null : (totals[k] || 0) + v;
        return h('td', {class: 'dw-num', 'data-outcome': k}, fmtNumber(v));
      })));
      body.push(h('tr', {'data-tier': 'total', class: 'dw-total'}, h('th', {scope: 'row'}, 'Total'),
        outcomeKeys.map(k => h('td', {class: 'dw-num', 'data-outcome': k}, fmtNumber(totals[k])))));
      outcomes.replaceChildren(
        h('thead', null, h('tr', null, h('th', null, 'Tier'), outcomeKeys.map(k => h('th', {class: 'dw-num'}, heading(k))))),
        h('tbody', null, body));
      outcomesNote.textContent = perTier
        ? (act.since ? `Refusals are counted since ${fmtInstant(act.since)}; claims are from the store.` : '')
        : 'This server does not report refusals yet; only claims per tier are shown.';
    }

    // ---- the draw: run it (admins), or show the proof once it has run

    function renderDraw(drop, stats) {
      drawCard.hidden = false;
      if (drop.drawnAt && !drawState.proof && !drawState.loading && !drawState.tried) {
        loadProof(drop);
      }
      const opens = tierOpenings(drop);
      const entriesUntil = Math.max(...TIERS.map(t => opens[t]), drop.closesAt ? Date.parse(drop.closesAt) : 0);
      const early = serverNow() < entriesUntil;
      const key = JSON.stringify([!!drop.drawnAt, !!drawState.proof, drawState.loading, drawState.running, stats.entries, early]);
      if (key === drawState.rendered) {
        return; // keep the card (and its open <details>) steady between refreshes
      }
      drawState.rendered = key;
      const children = [h('h2', {class: 'dw-card-title'}, 'Draw')];
      if (drawState.proof) {
        children.push(renderProof(drawState.proof, drop));
      } else if (drop.drawnAt) {
        children.push(h('div', {test: 'draw-proof', class: 'dw-proof'},
          h('p', null, `Drawn ${fmtInstant(drop.drawnAt)}.`),
          drawState.loading ? h('p', {class: 'dw-sub'}, 'Loading the proof…')
            : h('p', {class: 'dw-sub'}, 'The seed and the winners are published to customers at ',
              h('code', null, `/api/v1/drops/${drop.id}/draw`), '. Seed hash: ', h('code', {class: 'dw-hash'}, drop.seedHash))));
      } else {
        const button = guard(h('button', {type: 'button', class: 'dw-btn dw-primary', test: 'run-draw',
          disabled: drawState.running, onclick: () => runDraw(drop, stats)}, drawState.running ? 'Drawing…' : 'Run the draw'));
        children.push(h('p', null, `${fmtNumber(stats.entries)} entries so far; ${fmtNumber(drop.winners)} will win.`),
          early ? h('p', {class: 'dw-hint'}, `Entries stay open until ${fmtInstant(entriesUntil)}; `
            + 'the server refuses a draw before then.') : null,
          h('div', {class: 'dw-form-actions dw-left'}, button));
      }
      fill(drawCard, children);
    }

    async function runDraw(drop, stats) {
      if (!IS_ADMIN || drawState.running) {
        return;
      }
      const yes = await confirmDialog({
        title: 'Run the draw?',
        text: `This picks ${fmtNumber(drop.winners)} winners among ${fmtNumber(stats.entries)} entries of “${drop.title}” `
          + 'and closes the drop to new entries. It cannot be undone.',
        yes: 'Run the draw'});
      if (!yes || !ctx.alive) {
        return;
      }
      drawState.running = true;
      renderDraw(drop, stats);
      try {
        drawState.proof = await request(path + '/draw', {method: 'POST', retries: 2, ctx});
        flash('The draw has run; the proof is below.');
      } catch (e) {
        report(e);
      } finally {
        drawState.running = false;
        if (ctx.alive) {
          renderDraw(drop, stats);
        }
      }
    }

    /**
     * GET /admin/v1/drops/ID/draw answers the result of a drawn drop (viewers too). Against an older
     * server without that GET, admins fall back to POST, which changes nothing once drawn.
     */
    async function loadProof(drop) {
      drawState.loading = true;
      drawState.tried = true; // once per visit; the result does not change
      try {
        drawState.proof = await request(path + '/draw', {ctx});
      } catch (e) {
        if ((e.status === 404 || e.status === 405) && IS_ADMIN && drop.drawnAt) {
          try {
            drawState.proof = await request(path + '/draw', {method: 'POST', ctx});
          } catch (e2) {
            report(e2);
          }
        } else if (e.status !== 404 && e.status !== 405) {
          report(e);
        }
      } finally {
        drawState.loading = false;
        drawState.rendered = '';
      }
    }

    function renderProof(p, drop) {
      const check = h('p', {class: 'dw-sub'});
      verifySeed(p.seed, p.seedHash, drop.seedHash, check);
      const winners = p.winners || [];
      const list = h('ol', {class: 'dw-mono dw-ids'}, winners.map(w => h('li', null, w)));
      return h('div', {test: 'draw-proof', class: 'dw-proof'},
        h('dl', {class: 'dw-meta'},
          h('dt', null, 'Drawn'), h('dd', null, fmtInstant(p.drawnAt)),
          h('dt', null, 'Entries'), h('dd', null, fmtNumber(p.entryCount)),
          h('dt', null, 'Winners'), h('dd', null, `${fmtNumber(winners.length)} of ${fmtNumber(p.winnerCount)} asked for`),
          h('dt', null, 'Seed'), h('dd', null, h('code', {class: 'dw-hash', test: 'draw-seed'}, p.seed)),
          h('dt', null, 'Seed hash'), h('dd', null, h('code', {class: 'dw-hash', test: 'draw-seed-hash'}, p.seedHash))),
        check,
        winners.length > 10 ? h('details', null, h('summary', null, `Winning entry ids (${winners.length})`), list)
          : [h('h3', {class: 'dw-h3'}, 'Winning entry ids, in draw order'), list],
        h('h3', {class: 'dw-h3'}, 'How to verify'),
        h('ol', {class: 'dw-steps'}, (p.verify || []).map(step => h('li', null, step))),
        p.algorithm ? h('p', {class: 'dw-sub'}, 'The rule: ', p.algorithm) : null,
        h('p', {class: 'dw-sub'}, 'Customers can run the verification script in the API guide (“How to verify a draw”) '
          + `against /api/v1/drops/${p.dropId || drop.id}/draw.`));
    }

    /** Checks SHA-256(seed) = seedHash in the browser, where Web Crypto is available. */
    async function verifySeed(seed, seedHash, published, out) {
      if (!window.crypto || !window.crypto.subtle || !/^[0-9a-f]{64}$/i.test(seed || '')) {
        return;
      }
      try {
        const bytes = new Uint8Array(seed.match(/../g).map(x => parseInt(x, 16)));
        const digest = await window.crypto.subtle.digest('SHA-256', bytes);
        const hex = Array.from(new Uint8Array(digest), b => pad(b.toString(16))).join('');
        const ok = hex === String(seedHash).toLowerCase() && (!published || hex === String(published).toLowerCase());
        out.replaceChildren(ok ? badge('seed checked', 'ok') : badge('seed does not match', 'bad'), ' ',
          ok ? 'SHA-256 of the seed equals the seed hash published when the drop was created.'
            : 'SHA-256 of the seed differs from the published seed hash. Do not announce the winners; investigate.');
      } catch (e) {
        // Web Crypto refused (e.g. not a secure context): the written steps still apply.
      }
    }
  }

  // ------------------------------------------------------------------ the burn-down chart

  /** Points [time ms, value]: remaining stock (stock drops) or entries so far (draws). */
  function burndownSeries(drop, act, left, count, now) {
    const isDraw = drop.kind === 'draw';
    const perSecond = act && Array.isArray(act.perSecond) ? act.perSecond
      .map(p => ({t: Date.parse(p.second), n: p.claimed || 0})).filter(p => !isNaN(p.t)) : [];
    const total = perSecond.reduce((s, p) => s + p.n, 0);
    const opensAt = Math.min(...TIERS.map(t => tierOpenings(drop)[t]));
    const yMax = isDraw ? Math.max(count || 0, total, 1) : Math.max(drop.stock || 1, (left || 0) + total);
    if (!perSecond.length) {
      return {points: [], yMax, empty: now < opensAt ? 'Not open yet.' : !act ? 'This server does not report activity over time yet.' : isDraw ? 'No entries yet.' : 'No claims yet.'};
    }
    // Anchor at the current value and walk back, so the line ends where the big number says.
    let value = isDraw ? Math.max((count || 0) - total, 0) : (left != null ? left + total : drop.stock);
    const first = perSecond[0].t;
    const last = perSecond[perSecond.length - 1].t + 1000;
    const start = opensAt <= first && first - opensAt <= 10 * 60e3 ? opensAt : first - 5000;
    const end = now - last > 10 * 60e3 ? last + Math.max(5000, (last - start) * 0.05) : Math.max(now, last);
    const points = [[start, value]];
    for (const p of perSecond) {
      points.push([p.t, value]);
      value += isDraw ? p.n : -p.n;
      points.push([p.t + 1000, value]);
    }
    points.push([end, value]);
    return {points, yMax, start, end};
  }

  function niceStep(max, ticks) {
    const raw = Math.max(max / ticks, 1);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const n = raw / mag;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
  }

  function drawChart(svg, series, isDraw) {
    const W = 960, H = 260, L = 64, R = 16, T = 14, B = 44;
    const pw = W - L - R, ph = H - T - B;
    const nodes = [];
    const yOf = v => T + ph - (v / series.yMax) * ph;
    // y axis: gridlines and labels
    const step = niceStep(series.yMax, 4);
    const ticks = [];
    for (let v = 0; v <= series.yMax + 1e-9; v += step) {
      ticks.push(v);
    }
    if (series.yMax - ticks[ticks.length - 1] > step * 0.3) {
      ticks.push(series.yMax); // label the top (the full stock) too
    }
    for (const v of ticks) {
      nodes.push(svgEl('line', {x1: L, x2: W - R, y1: yOf(v), y2: yOf(v), class: 'dw-grid-line'}),
        svgEl('text', {x: L - 8, y: yOf(v) + 4, class: 'dw-tick', 'text-anchor': 'end'}, fmtCompact(Math.round(v))));
    }
    nodes.push(svgEl('line', {x1: L, x2: L, y1: T, y2: T + ph, class: 'dw-axis'}),
      svgEl('line', {x1: L, x2: W - R, y1: T + ph, y2: T + ph, class: 'dw-axis'}),
      svgEl('text', {x: 14, y: T + ph / 2, class: 'dw-axis-label', 'text-anchor': 'middle', transform: `rotate(-90 14 ${T + ph / 2})`},
        isDraw ? 'Entries' : 'Remaining units'),
      svgEl('text', {x: L + pw / 2, y: H - 6, class: 'dw-axis-label', 'text-anchor': 'middle'}, 'Time (UTC)'));

    if (!series.points.length) {
      nodes.push(svgEl('text', {x: L + pw / 2, y: T + ph / 2, class: 'dw-chart-empty', 'text-anchor': 'middle'}, series.empty));
      svg.replaceChildren(...nodes);
      return;
    }
    const span = Math.max(series.end - series.start, 1000);
    const xOf = t => L + ((t - series.start) / span) * pw;
    // x axis: five time labels
    for (let i = 0; i <= 4; i++) {
      const t = series.start + (span * i) / 4;
      const d = new Date(t).toISOString();
      const label = span < 3600e3 ? fmtClock(d) : span < 2 * 86400e3 ? fmtClock(d).slice(0, 5) : d.slice(5, 10) + ' ' + d.slice(11, 16);
      nodes.push(svgEl('line', {x1: xOf(t), x2: xOf(t), y1: T + ph, y2: T + ph + 4, class: 'dw-axis'}),
        svgEl('text', {x: xOf(t), y: T + ph + 18, class: 'dw-tick', 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}, label));
    }
    const line = series.points.map(([t, v], i) => `${i ? 'L' : 'M'}${xOf(t).toFixed(1)},${yOf(v).toFixed(1)}`).join(' ');
    const lastX = xOf(series.points[series.points.length - 1][0]).toFixed(1);
    nodes.push(svgEl('path', {d: `${line} L${lastX},${T + ph} L${L},${T + ph} Z`, class: 'dw-area'}),
      svgEl('path', {d: line, class: 'dw-line'}));
    svg.replaceChildren(...nodes);
  }

  // ------------------------------------------------------------------ view: #deploy

  function deploymentBadge(state, attrs) {
    const tone = {active: 'ok', 'rolled-back': 'bad', failed: 'bad', superseded: 'muted'}[state] || 'info';
    return badge(state || 'unknown', tone, attrs);
  }

  function viewDeploy(ctx) {
    const fileInput = guard(h('input', {type: 'file', accept: '.jar', test: 'jar-input', id: 'dw-jar-input', class: 'dw-file'}));
    const chosen = h('div', {class: 'dw-chosen'}, 'No file chosen.');
    const upload = guard(h('button', {type: 'button', class: 'dw-btn dw-primary', test: 'upload', disabled: true}, 'Upload and deploy'));
    if (IS_ADMIN) {
      upload.title = 'Choose a .jar first';
    }
    const zone = guard(h('div', {class: 'dw-dropzone', test: 'drop-zone', role: 'button', tabindex: IS_ADMIN ? 0 : -1},
      h('div', {class: 'dw-dropzone-title'}, 'Drop a bundle .jar here'),
      h('div', {class: 'dw-sub'}, 'or click to choose one. It is verified beside the running version before it takes any work.')));
    let file = null;

    const choose = f => {
      if (!f) {
        return;
      }
      if (!/\.jar$/i.test(f.name)) {
        file = null;
        upload.disabled = true;
        chosen.textContent = 'No file chosen.';
        showMessage('error', `“${f.name}” is not a .jar file. Choose an OSGi bundle jar.`, 'error');
        return;
      }
      file = f;
      clearMessage('error');
      chosen.replaceChildren('Ready: ', h('strong', null, f.name), ` (${fmtNumber(Math.ceil(f.size / 1024))} KiB)`);
      upload.disabled = false;
      upload.removeAttribute('title');
    };

    if (IS_ADMIN) {
      fileInput.addEventListener('change', () => choose(fileInput.files[0]));
      zone.addEventListener('click', () => fileInput.click());
      zone.addEventListener('keydown', ev => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          fileInput.click();
        }
      });
      zone.addEventListener('dragover', ev => {
        ev.preventDefault();
        ev.dataTransfer.dropEffect = 'copy';
        zone.classList.add('dw-dragover');
      });
      zone.addEventListener('dragleave', () => zone.classList.remove('dw-dragover'));
      zone.addEventListener('drop', ev => {
        ev.preventDefault();
        zone.classList.remove('dw-dragover');
        choose(ev.dataTransfer.files[0]);
      });
      upload.addEventListener('click', async () => {
        if (!file) {
          return;
        }
        upload.disabled = true;
        upload.textContent = 'Uploading…';
        try {
          const dep = await request('/deployments', {method: 'POST', body: file, contentType: 'application/java-archive', retries: 2, ctx});
          flash(`Upload accepted: ${dep.symbolicName} ${dep.version} is being verified.`);
          go('deploy/' + encodeURIComponent(dep.id));
        } catch (e) {
          if (e.status === 400) {
            showMessage('error', 'The bundle was refused, nothing was installed: ' + e.message, 'error');
          } else {
            report(e);
          }
        } finally {
          if (ctx.alive) {
            upload.disabled = !file;
            upload.textContent = 'Upload and deploy';
          }
        }
      });
    } else {
      // Swallow drops so the browser does not open the jar instead.
      zone.addEventListener('dragover', ev => ev.preventDefault());
      zone.addEventListener('drop', ev => ev.preventDefault());
    }

    const tbody = h('tbody', null, emptyRow(7, 'Loading the deployment history…'));
    main.append(
      card('Deploy a bundle', zone,
        h('div', {class: 'dw-upload-row'}, h('label', {for: 'dw-jar-input', class: 'dw-label'}, 'Bundle jar'), fileInput, chosen, upload)),
      card('Deployment history',
        h('table', {class: 'dw-table', test: 'deployments'},
          h('thead', null, h('tr', null, ['Bundle', 'Version', 'Previous version', 'State', 'When', 'Source', ''].map(t => h('th', null, t)))),
          tbody)));

    ctx.every(2000, async () => {
      const data = await request('/deployments', {ctx});
      if (!ctx.alive) {
        return;
      }
      const list = (data && data.deployments) || [];
      if (!list.length) {
        tbody.replaceChildren(emptyRow(7, 'Nothing has been deployed through Dropwise yet.'));
        return;
      }
      patchRows(tbody, list, d => d.id, d => renderDeploymentRow(d, ctx));
    });
  }

  function renderDeploymentRow(d, ctx) {
    const started = d.timeline && d.timeline.length ? d.timeline[0].at : null;
    let action = null;
    if (d.state === 'active' && d.previousVersion) {
      action = guard(h('button', {type: 'button', class: 'dw-btn dw-small', test: 'rollback',
        onclick: () => rollback(d, ctx)}, 'Roll back'));
      if (IS_ADMIN) {
        action.title = `Put ${d.symbolicName} ${d.previousVersion} back`;
      }
    }
    return h('tr', {test: 'deployment-row', 'data-id': d.id},
      h('td', null, h('a', {href: '#deploy/' + encodeURIComponent(d.id), class: 'dw-link dw-strong'}, d.symbolicName)),
      h('td', null, d.version || '—'),
      h('td', null, d.previousVersion || h('span', {class: 'dw-sub-inline'}, 'none')),
      h('td', null, deploymentBadge(d.state, {title: d.reason || null})),
      h('td', null, started ? [fmtInstant(started), h('div', {class: 'dw-sub'}, fmtRelative(Date.parse(started)))] : '—'),
      h('td', {class: 'dw-sub-inline'}, d.source || '—'),
      h('td', {class: 'dw-actions'}, action));
  }

  async function rollback(d, ctx) {
    if (!IS_ADMIN) {
      return;
    }
    const yes = await confirmDialog({
      title: `Roll back ${d.symbolicName}?`,
      text: `Version ${d.previousVersion} is deployed again through the live path; ${d.version} stops taking new work `
        + 'once it is verified, and finishes the work it has started.',
      yes: `Roll back to ${d.previousVersion}`, danger: true});
    if (!yes || !ctx.alive) {
      return;
    }
    try {
      const dep = await request(`/deployments/${encodeURIComponent(d.id)}/rollback`, {method: 'POST', retries: 2, ctx});
      flash(`Rolling back ${d.symbolicName} to ${d.previousVersion}.`);
      go('deploy/' + encodeURIComponent(dep.id));
    } catch (e) {
      if (e.status === 400) {
        showMessage('error', 'The rollback was refused: ' + e.message, 'error');
      } else {
        report(e);
      }
    }
  }

  // ------------------------------------------------------------------ view: #deploy/ID

  function viewDeployment(ctx, id) {
    const title = h('h2', {class: 'dw-card-title'}, 'Deployment');
    const sub = h('p', {class: 'dw-sub'});
    const state = h('span', {test: 'deployment-state', class: 'dw-badge dw-badge-info'}, '…');
    const live = h('span', {class: 'dw-live'});
    const reason = h('p', {test: 'deployment-reason', class: 'dw-reason', hidden: true});
    const timeline = h('ol', {test: 'timeline', class: 'dw-timeline'});
    const body = h('div', {test: 'deployment-view'},
      h('a', {href: '#deploy', class: 'dw-back'}, '← All deployments'),
      h('section', {class: 'dw-card'}, h('div', {class: 'dw-card-head'}, title, h('div', null, live, state)), sub, reason),
      card('Timeline', timeline));
    main.append(body);

    ctx.every(500, async () => {
      let d;
      try {
        d = await request('/deployments/' + encodeURIComponent(id), {ctx});
      } catch (e) {
        if (e.status === 404) {
          body.replaceChildren(h('a', {href: '#deploy', class: 'dw-back'}, '← All deployments'),
            card('Deployment not found', h('p', null, `There is no deployment ${id}.`)));
          return false;
        }
        throw e;
      }
      if (!ctx.alive) {
        return;
      }
      title.textContent = `${d.symbolicName} ${d.version}`;
      sub.replaceChildren(d.previousVersion ? `Replacing version ${d.previousVersion}` : 'First version of this bundle',
        d.source ? ` · from ${d.source}` : '', ' · ', h('code', null, d.id));
      state.textContent = d.state;
      state.className = deploymentBadge(d.state).className;
      const final = FINAL_DEPLOYMENT_STATES.has(d.state);
      live.textContent = final ? '' : 'following live…';
      const showReason = (d.state === 'rolled-back' || d.state === 'failed') && d.reason;
      reason.hidden = !showReason;
      reason.textContent = showReason ? (d.state === 'failed' ? 'Refused: ' : 'Rolled back: ') + d.reason : '';
      const steps = d.timeline || [];
      patchRows(timeline, steps.map((s, i) => Object.assign({i}, s)), s => String(s.i), s => h('li', {class: 'dw-step'},
        h('time', {datetime: s.at, title: fmtInstant(s.at)}, fmtClock(s.at, true)),
        deploymentBadge(s.state),
        h('span', {class: 'dw-step-msg'}, s.message)));
      return final ? false : undefined; // stop polling once nothing can change
    });
  }

  // ------------------------------------------------------------------ view: #bundles

  function viewBundles(ctx) {
    const bundles = h('tbody', null, emptyRow(4, 'Loading…'));
    const rules = h('tbody', null, emptyRow(5, 'Loading…'));
    const serverLine = h('p', {class: 'dw-sub'});
    main.append(
      card('Bundles', serverLine,
        h('table', {class: 'dw-table', test: 'bundles'},
          h('thead', null, h('tr', null, ['Bundle', 'Version', 'State', 'Provides rule types'].map(t => h('th', null, t)))),
          bundles)),
      card('Rule types',
        h('table', {class: 'dw-table', test: 'rules'},
          h('thead', null, h('tr', null, ['Rule type', 'Provided by', 'Parameters', 'Status', 'Used by drops'].map(t => h('th', null, t)))),
          rules)));

    ctx.every(5000, async () => {
      const [status, ruleData] = await Promise.all([
        request('/status', {base: PUBLIC_API, ctx}),
        request('/rules', {ctx})]);
      if (!ctx.alive) {
        return;
      }
      const ruleList = (ruleData && ruleData.rules) || [];
      serverLine.textContent = status ? `${status.name || 'Dropwise'} ${status.version || ''}` : '';

      // Which rule types each bundle version provides.
      const provides = new Map();
      for (const r of ruleList) {
        if (r.present && r.bundle) {
          const key = r.bundle + '@' + (r.version || '');
          provides.set(key, (provides.get(key) || []).concat(r.type));
        }
      }
      const ruleBundles = new Set(ruleList.filter(r => r.present && r.bundle).map(r => r.bundle));
      const rows = ((status && status.bundles) || [])
        .filter(b => b.symbolicName && (b.symbolicName.startsWith('io.dropwise.') || ruleBundles.has(b.symbolicName)))
        .map(b => ({name: b.symbolicName, version: b.version, state: b.state}));
      // A plugin outside io.dropwise.* is not in the status list; its rule types show it is running.
      for (const key of provides.keys()) {
        const [name, version] = key.split('@');
        if (!rows.some(b => b.name === name && sameVersion(b.version, version))) {
          rows.push({name, version, state: null});
        }
      }
      for (const b of rows) {
        const key = [...provides.keys()].find(k => k.split('@')[0] === b.name && sameVersion(k.split('@')[1], b.version));
        b.types = key ? provides.get(key) : [];
      }
      if (!rows.length) {
        bundles.replaceChildren(emptyRow(4, 'No Dropwise bundles are listed.'));
      } else {
        patchRows(bundles, rows, b => b.name + '@' + b.version, b => h('tr', {'data-bundle': b.name},
          h('td', {class: 'dw-strong'}, b.name),
          h('td', null, b.version),
          h('td', null, b.state
            ? badge(b.state === 'active' ? 'active · healthy' : b.state, b.state === 'active' ? 'ok' : b.state === 'uninstalled' ? 'bad' : 'warn',
              {title: b.state === 'active' ? 'Running' : 'Installed but not running', 'data-state': b.state})
            : badge('providing rules', 'ok', {title: 'Not in the server status list (it lists io.dropwise.* bundles); its rule types are registered, so it is running.'})),
          h('td', null, b.types.length ? b.types.join(', ') : h('span', {class: 'dw-sub-inline'}, '—'))));
      }

      if (!ruleList.length) {
        rules.replaceChildren(emptyRow(5, 'No rule types are deployed.'));
      } else {
        patchRows(rules, ruleList, r => r.type, renderRuleRow);
      }
    });
  }

  /** "0.1.0.SNAPSHOT" (status) and "0.1.0.SNAPSHOT" or "0.1.0" (rules) name the same bundle version. */
  function sameVersion(a, b) {
    return String(a || '') === String(b || '') || String(a || '').replace(/\.0+$/, '') === String(b || '').replace(/\.0+$/, '');
  }

  function renderRuleRow(r) {
    return h('tr', {'data-type': r.type},
      h('td', null, h('strong', null, r.type), r.description ? h('div', {class: 'dw-sub'}, r.description) : null),
      h('td', null, r.bundle ? [r.bundle, h('div', {class: 'dw-sub'}, 'version ' + (r.version || '?'))] : '—'),
      h('td', null, (r.parameters || []).length
        ? h('ul', {class: 'dw-plain'}, r.parameters.map(p => h('li', null, h('code', null, p.name), ' ',
          h('span', {class: 'dw-sub-inline'}, `${String(p.type || '').replace('_', ' ')}, ${p.required ? 'required' : 'optional'}`),
          p.description ? h('div', {class: 'dw-sub'}, p.description) : null)))
        : h('span', {class: 'dw-sub-inline'}, 'none')),
      h('td', null, r.present ? badge('present', 'ok') : badge('missing', 'bad', {title: 'No deployed bundle provides this rule type; drops that use it follow their “when a rule cannot decide” setting.'})),
      h('td', null, (r.drops || []).length
        ? (r.drops || []).map((id, i) => [i ? ', ' : '', h('a', {href: '#drops/' + encodeURIComponent(id), class: 'dw-link'}, id)])
        : h('span', {class: 'dw-sub-inline'}, 'none')));
  }

  // ------------------------------------------------------------------ router and view lifecycle

  let current = null;

  /** A view's context: `every` polls without overlap, pauses while the server is busy, stops on dispose. */
  function newContext() {
    const timers = new Set();
    const ctx = {
      alive: true,
      every(ms, fn) {
        const tick = async () => {
          if (!ctx.alive || sessionEnded) {
            return;
          }
          if (Date.now() >= busyUntil) {
            try {
              if (await fn() === false) {
                return; // the view says nothing more can change
              }
            } catch (e) {
              if (ctx.alive) {
                report(e);
              }
            }
          }
          if (ctx.alive && !sessionEnded) {
            const t = setTimeout(() => {
              timers.delete(t);
              tick();
            }, ms);
            timers.add(t);
          }
        };
        tick();
      },
      dispose() {
        ctx.alive = false;
        timers.forEach(clearTimeout);
        timers.clear();
      }
    };
    return ctx;
  }

  function route() {
    if (current) {
      current.dispose();
    }
    if (closeModal) {
      closeModal(false);
    }
    if (messageKey === 'error') {
      clearMessage('error'); // an error belongs to the view it happened in
    }
    let hash = location.hash.replace(/^#\/?/, '');
    try {
      hash = decodeURIComponent(hash);
    } catch (malformed) {
      // keep it as it is
    }
    hash = hash || 'drops';
    const slash = hash.indexOf('/');
    const section = slash < 0 ? hash : hash.slice(0, slash);
    const id = slash < 0 ? '' : hash.slice(slash + 1);
    const tab = section === 'deploy' ? 'deploy' : section === 'bundles' ? 'bundles' : 'drops';
    for (const a of tabs.children) {
      const active = a.dataset.section === tab;
      a.classList.toggle('dw-active', active);
      if (active) {
        a.setAttribute('aria-current', 'page');
      } else {
        a.removeAttribute('aria-current');
      }
    }
    main.replaceChildren();
    current = newContext();
    if (sessionEnded) {
      return;
    }
    if (section === 'new-drop') {
      viewNewDrop(current);
    } else if (section === 'drops' && id) {
      viewDrop(current, id);
    } else if (section === 'deploy' && id) {
      viewDeployment(current, id);
    } else if (section === 'deploy') {
      viewDeploy(current);
    } else if (section === 'bundles') {
      viewBundles(current);
    } else {
      viewDrops(current);
    }
  }

  window.addEventListener('hashchange', route);
  // A jar dropped outside the drop zone must not make the browser leave the console.
  window.addEventListener('dragover', ev => {
    if (root.contains(ev.target)) {
      ev.preventDefault();
    }
  });
  window.addEventListener('drop', ev => {
    if (root.contains(ev.target)) {
      ev.preventDefault();
    }
  });
  route();
})();
