// The nodes list, with drain/activate for write tokens.

import { h } from '../lib.js';
import { badge, bytes, cpus, labels, section, table } from '../ui.js';
import { availabilityButton } from '../actions.js';

export function nodesView(state) {
  const rows = [...(state.nodes || [])].sort((a, b) => (a.Hostname < b.Hostname ? -1 : 1));
  return section('Nodes', table([
    { label: 'Host', cell: (n) => h('strong', null, n.Hostname) },
    { label: 'ID', cell: (n) => h('code', null, n.ID.slice(0, 12)) },
    { label: 'State', cell: (n) => badge(n.State) },
    { label: 'Availability', cell: (n) => badge(n.Availability) },
    { label: 'Role', cell: (n) => (n.Leader ? 'manager (leader)' : n.Role) },
    { label: 'Address', cell: (n) => n.Addr || '-' },
    { label: 'CPU reserved', cell: (n) => cpus(n.ReservedNanoCPUs) + ' of ' + cpus(n.NanoCPUs) },
    { label: 'Memory reserved', cell: (n) => bytes(n.ReservedMemoryBytes) + ' of ' + bytes(n.MemoryBytes) },
    { label: 'Labels', cell: (n) => labels(n.Labels) || '-' },
    { label: 'Actions', write: true, cell: (n) => h('div', { class: 'actions' }, availabilityButton(n)) },
  ], rows, (n) => n.ID, { 'data-view': 'nodes' }));
}
