// The plain lists: networks, images, volumes and the in-process registry's repositories.

import { h } from '../lib.js';
import { ago, bytes, section, short, table } from '../ui.js';

const yes = (b) => (b ? 'yes' : '');

export function networksView(state) {
  const rows = [...(state.networks || [])].sort((a, b) => (a.Name < b.Name ? -1 : 1));
  return section('Networks', table([
    { label: 'Name', cell: (n) => h('strong', null, n.Name) },
    { label: 'ID', cell: (n) => h('code', null, short(n.ID)) },
    { label: 'Driver', cell: (n) => n.Driver },
    { label: 'Scope', cell: (n) => n.Scope },
    { label: 'Subnet', cell: (n) => n.Subnet || '-' },
    { label: 'Attachable', cell: (n) => yes(n.Attachable) },
    { label: 'Ingress', cell: (n) => yes(n.Ingress) },
  ], rows, (n) => n.ID));
}

export function imagesView(state) {
  const rows = [...(state.images || [])].sort((a, b) => (b.Created || 0) - (a.Created || 0));
  return section('Images', table([
    { label: 'Tags', cell: (i) => (i.Tags && i.Tags.length ? h('ul', { class: 'plain' }, i.Tags.map((t) => h('li', { key: t }, h('code', null, t)))) : '<none>') },
    { label: 'ID', cell: (i) => h('code', null, short(String(i.ID).replace(/^sha256:/, ''))) },
    { label: 'Size', cell: (i) => bytes(i.Size) },
    { label: 'Created', cell: (i) => ago(i.Created) },
  ], rows, (i) => i.ID));
}

export function volumesView(state) {
  const rows = [...(state.volumes || [])].sort((a, b) => (a.Name < b.Name ? -1 : 1));
  return section('Volumes', table([
    { label: 'Name', cell: (v) => h('code', null, v.Name) },
    { label: 'Driver', cell: (v) => v.Driver },
    { label: 'Mount point', cell: (v) => h('code', { class: 'path' }, v.Mountpoint) },
  ], rows, (v) => v.Name));
}

export function registryView(state) {
  if (!state.registry) {
    return section('Registry', h('p', { class: 'muted' }, 'No registry runs in this berthd.'));
  }
  const rows = [...state.registry].sort((a, b) => (a.Repository < b.Repository ? -1 : 1));
  return section('Registry', table([
    { label: 'Repository', cell: (r) => h('code', null, r.Repository) },
    { label: 'Tags', cell: (r) => (r.Tags || []).join(', ') || '-' },
  ], rows, (r) => r.Repository));
}
