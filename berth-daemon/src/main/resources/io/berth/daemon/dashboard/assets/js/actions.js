// The write actions (scale, roll back, drain/activate, remove a task's container). Each asks for a
// confirmation first, sends the CSRF header (api.send), shows the server's message when it refuses,
// and is absent for a read-only session. The dialog is drawn by the app from store.dialog.

import { h } from './lib.js';
import { send } from './api.js';
import { store, changed, refresh } from './store.js';

export function canWrite() {
  return !!store.session && !store.session.readOnly;
}

/** Opens the confirmation dialog; run(value) performs the action once confirmed. */
function ask(dialog) {
  store.dialog = Object.assign({ busy: false, error: '' }, dialog);
  changed();
}

export function closeDialog() {
  store.dialog = null;
  changed();
}

export function confirmDialog(d) {
  d.busy = true;
  d.error = '';
  changed();
  d.run(d.value)
    .then(() => {
      store.dialog = null;
      store.notice = d.done;
      setTimeout(() => {
        if (store.notice === d.done) {
          store.notice = '';
          changed();
        }
      }, 4000);
      refresh();
    })
    .catch((e) => {
      d.busy = false;
      d.error = e.message;
    })
    .finally(changed);
}

function button(label, cls, onClick, action) {
  if (!canWrite()) return null;
  return h('button', { class: 'act ' + cls, type: 'button', onClick, 'data-action': action }, label);
}

export function scaleButton(svc) {
  if (svc.Mode !== 'replicated') return null;
  return button('Scale', '', () => ask({
    title: 'Scale ' + svc.Name,
    text: 'Replicas of ' + svc.Name + ' (now ' + (svc.Replicas ?? 0) + '):',
    input: 'number',
    value: String(svc.Replicas ?? 0),
    confirm: 'Scale',
    done: svc.Name + ' scaled',
    run: (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) return Promise.reject(new Error('replicas must be a whole number, 0 or more: ' + v));
      return send('POST', '/api/services/' + encodeURIComponent(svc.ID) + '/scale', { Replicas: n }, true);
    },
  }), 'scale');
}

export function rollbackButton(svc) {
  return button('Roll back', 'warn', () => ask({
    title: 'Roll back ' + svc.Name,
    text: 'Return ' + svc.Name + ' to its previous spec? Its tasks are replaced by its update policy.',
    confirm: 'Roll back',
    done: svc.Name + ' rolling back',
    run: () => send('POST', '/api/services/' + encodeURIComponent(svc.ID) + '/rollback'),
  }), 'rollback');
}

export function availabilityButton(node) {
  if (!node.ID) return null;
  const drain = node.Availability !== 'drain';
  const to = drain ? 'drain' : 'active';
  return button(drain ? 'Drain' : 'Activate', drain ? 'warn' : '', () => ask({
    title: (drain ? 'Drain ' : 'Activate ') + node.Hostname,
    text: drain
      ? 'Drain ' + node.Hostname + '? Its tasks stop and move to other nodes.'
      : 'Make ' + node.Hostname + ' active again? New tasks may be placed on it.',
    confirm: drain ? 'Drain' : 'Activate',
    done: node.Hostname + ' ' + to,
    run: () => send('POST', '/api/nodes/' + encodeURIComponent(node.ID) + '/availability', { Availability: to }, true),
  }), drain ? 'drain' : 'activate');
}

export function removeContainerButton(task) {
  return button('Remove container', 'danger', () => ask({
    title: 'Remove the container of task ' + task.ID.slice(0, 12),
    text: 'Remove the stopped container ' + String(task.ContainerID || '').slice(0, 12) + ' of this ended task?',
    confirm: 'Remove',
    done: 'container removed',
    run: () => send('DELETE', '/api/tasks/' + encodeURIComponent(task.ID) + '/container', undefined, true),
  }), 'remove-container');
}

/** The confirmation dialog, or nothing. */
export function dialogView() {
  const d = store.dialog;
  if (!d) return null;
  const submit = (e) => {
    e.preventDefault();
    if (!d.busy) confirmDialog(d);
  };
  return h('div', { class: 'backdrop', onClick: (e) => e.target === e.currentTarget && closeDialog() },
    h('form', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', onSubmit: submit },
      h('h3', null, d.title),
      h('p', null, d.text),
      d.input ? h('input', {
        type: d.input, min: 0, name: 'value', value: d.value, autofocus: true,
        onInput: (e) => { d.value = e.currentTarget.value; },
      }) : null,
      d.error ? h('p', { class: 'error', role: 'alert' }, d.error) : null,
      h('div', { class: 'buttons' },
        h('button', { type: 'button', class: 'cancel', onClick: closeDialog }, 'Cancel'),
        h('button', { type: 'submit', class: 'confirm', disabled: d.busy }, d.busy ? 'Working…' : d.confirm))));
}
