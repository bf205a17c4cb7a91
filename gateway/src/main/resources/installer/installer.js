// The installer's pairing page: plain DOM, no framework. Text from the hub goes in with textContent only.
'use strict';

const api = (path, options = {}) => fetch('/installer/api' + path, {
  credentials: 'same-origin',
  headers: options.body ? { 'Content-Type': 'application/json' } : {},
  ...options,
});

const $ = (id) => document.getElementById(id);
let poll = null;

function show(view) {
  $('unlock-view').hidden = view !== 'unlock';
  $('hub-view').hidden = view !== 'hub';
  $('lock').hidden = view !== 'hub';
  if (view === 'hub' && poll === null) {
    refresh();
    poll = setInterval(refresh, 2000);
  }
  if (view !== 'hub' && poll !== null) {
    clearInterval(poll);
    poll = null;
  }
}

function ago(iso) {
  if (!iso) return 'none yet';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
  if (seconds < 86400) return Math.round(seconds / 3600) + ' h ago';
  return new Date(iso).toLocaleString();
}

const STATUS = {
  'assigned': 'Assigned to this hub',
  'paired': 'Paired — waiting for the clinic to assign it',
  'not-paired': 'Not paired',
};

async function refresh() {
  const [hubAnswer, devicesAnswer] = await Promise.all([api('/hub'), api('/devices')]);
  if (hubAnswer.status === 401 || devicesAnswer.status === 401) {
    show('unlock');
    return;
  }
  const hub = await hubAnswer.json();
  $('hub-id').textContent = hub.gateway;
  $('hub-uplink').textContent = hub.uplink;
  $('hub-unsent').textContent = hub.unsent + (hub.oldestUnsentSeconds != null
    ? ' (oldest ' + hub.oldestUnsentSeconds + ' s)' : '');
  $('hub-config').textContent = hub.configVersion != null ? 'version ' + hub.configVersion : 'none yet';
  $('hub-ble').textContent = !hub.ble.enabled ? 'off' : hub.ble.adapterPowered ? 'on' : 'adapter not ready';
  $('hub-software').textContent = hub.software;

  const answer = await devicesAnswer.json();
  $('scan').disabled = !answer.bleEnabled;
  $('scan-state').textContent = answer.scanning ? 'Scanning…' : '';
  const body = document.querySelector('#devices tbody');
  const seen = new Set();
  for (const device of answer.devices) {
    seen.add(device.address);
    let row = body.querySelector('tr[data-address="' + CSS.escape(device.address) + '"]');
    if (!row) {
      row = document.importNode($('device-row').content, true).querySelector('tr');
      row.dataset.address = device.address;
      row.querySelector('button.pair').addEventListener('click', () => pair(row));
      body.appendChild(row);
    }
    row.dataset.status = device.status;
    row.querySelector('.name').textContent = device.name || 'Unnamed device';
    row.querySelector('.address').textContent = device.address;
    row.querySelector('.kind').textContent = device.kind;
    const status = row.querySelector('.status');
    status.textContent = STATUS[device.status] + (device.connected ? ' · connected' : '');
    status.className = 'status status-' + device.status;
    row.querySelector('.battery').textContent = device.batteryPercent != null ? device.batteryPercent + ' %' : '—';
    row.querySelector('.last-reading').textContent = ago(device.lastReadingAt);
    const pairable = device.status === 'not-paired';
    row.querySelector('input.passkey').hidden = !pairable;
    row.querySelector('button.pair').hidden = !pairable;
  }
  for (const row of body.querySelectorAll('tr')) {
    if (!seen.has(row.dataset.address)) row.remove();
  }
  $('no-devices').hidden = answer.devices.length > 0;
}

async function pair(row) {
  const button = row.querySelector('button.pair');
  const result = row.querySelector('.pair-result');
  const passkey = row.querySelector('input.passkey').value.trim();
  button.disabled = true;
  result.textContent = 'Pairing…';
  try {
    const answer = await api('/devices/' + encodeURIComponent(row.dataset.address) + '/pair', {
      method: 'POST', body: JSON.stringify(passkey ? { passkey } : {}),
    });
    if (answer.status === 401) {
      show('unlock');
      return;
    }
    const outcome = await answer.json();
    result.textContent = outcome.message;
    result.dataset.outcome = outcome.outcome;
  } catch (e) {
    result.textContent = 'The hub did not answer; try again.';
  } finally {
    button.disabled = false;
    refresh();
  }
}

$('unlock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('unlock-error').textContent = '';
  const answer = await api('/session', { method: 'POST', body: JSON.stringify({ code: $('code').value }) });
  if (answer.status === 204) {
    $('code').value = '';
    show('hub');
    return;
  }
  const refused = await answer.json();
  let message = refused.error;
  if (refused.attemptsLeft != null) message += ' ' + refused.attemptsLeft + ' attempts left.';
  if (refused.retryAfterSeconds != null) message += ' Try again in ' + Math.ceil(refused.retryAfterSeconds / 60)
    + ' min.';
  $('unlock-error').textContent = message;
});

$('scan').addEventListener('click', async () => {
  const answer = await api('/scan', { method: 'POST' });
  if (answer.status === 401) show('unlock');
  refresh();
});

$('lock').addEventListener('click', async () => {
  await api('/session', { method: 'DELETE' });
  show('unlock');
});

// A session from earlier (the cookie) opens the hub view straight away.
api('/hub').then((answer) => show(answer.ok ? 'hub' : 'unlock'));
