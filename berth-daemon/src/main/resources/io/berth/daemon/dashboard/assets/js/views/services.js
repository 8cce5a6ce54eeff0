// The services list: mode, replicas running/desired, image, published ports, update status.

import { h } from '../lib.js';
import { ports, section, serviceStyle, table } from '../ui.js';
import { rollbackButton, scaleButton } from '../actions.js';

export function updateStatus(svc) {
  const u = svc.UpdateStatus;
  if (!u || !u.State) return '-';
  const p = svc.UpdateProgress;
  const pct = p && p.Total ? Math.round((100 * p.Updated) / p.Total) : null;
  return h('div', { class: 'update', title: u.Message || '' },
    h('span', { class: 'badge st-' + String(u.State).replace(/[^a-z_]/g, '') }, u.State.replace(/_/g, ' ')),
    p ? h('span', { class: 'progress', 'aria-label': 'update progress' },
      h('span', { class: 'progress-fill', style: { width: (pct ?? 0) + '%' } }),
      h('span', { class: 'progress-text' }, p.Updated + ' / ' + p.Total)) : null,
    u.Message ? h('small', null, u.Message) : null);
}

export function replicas(svc) {
  const want = svc.Desired ?? svc.Replicas ?? 0;
  const full = svc.Running >= want;
  return h('span', { class: 'replicas' + (full ? '' : ' short'), 'data-replicas': svc.Running + '/' + want },
    svc.Running + ' / ' + want + (svc.Mode === 'global' ? ' (global)' : ''));
}

export function servicesView(state) {
  const rows = [...(state.services || [])].sort((a, b) => (a.Name < b.Name ? -1 : 1));
  return section('Services', table([
    { label: 'Name', cell: (s) => h('a', { class: 'svc-name', href: '#/service/' + encodeURIComponent(s.ID), style: serviceStyle(s.Name) }, s.Name) },
    { label: 'Mode', cell: (s) => s.Mode },
    { label: 'Replicas', cell: replicas },
    { label: 'Image', cell: (s) => h('code', { class: 'image' }, String(s.Image || '').replace(/@sha256:[0-9a-f]+$/, '')) },
    { label: 'Ports', cell: (s) => ports(s.Ports) },
    { label: 'Update', cell: updateStatus },
    { label: 'Actions', write: true, cell: (s) => h('div', { class: 'actions' }, scaleButton(s), rollbackButton(s)) },
  ], rows, (s) => s.ID, { 'data-view': 'services' }));
}
