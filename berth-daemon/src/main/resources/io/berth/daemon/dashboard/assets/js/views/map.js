// The cluster map, after the swarm visualizer: a column per node (state, role, availability,
// labels, resources reserved) and in it a box per task meant to run there, coloured by service.
// Boxes are keyed by task id, so a refetch moves or adds boxes instead of redrawing the page.

import { h } from '../lib.js';
import { badge, bytes, cpus, labels, serviceStyle, short } from '../ui.js';
import { availabilityButton } from '../actions.js';

/** Tasks the orchestrator means to run (as `service ps --filter desired-state=running`). */
export function liveTasks(tasks) {
  return (tasks || []).filter((t) => t.DesiredState === 'running' || t.DesiredState === 'ready');
}

/** As {@code service ps} names a task: NAME.SLOT, or NAME.NODE for a global service's. */
export function taskName(task, svc, hostname) {
  const name = svc ? svc.Name : short(task.ServiceID);
  return task.Slot ? name + '.' + task.Slot : name + '.' + (hostname || short(task.NodeID));
}

function meter(label, used, total, fmt) {
  const pct = total ? Math.min(100, Math.round((100 * (used || 0)) / total)) : 0;
  return h('div', { class: 'meter', title: label + ' reserved: ' + fmt(used || 0) + ' of ' + fmt(total) },
    h('span', { class: 'meter-label' }, label + ' ' + fmt(used || 0) + ' / ' + fmt(total)),
    h('span', { class: 'meter-bar' }, h('span', { class: 'meter-fill', style: { width: pct + '%' } })));
}

function box(task, svc, hostname) {
  const name = svc ? svc.Name : short(task.ServiceID);
  const state = String(task.State || '').toLowerCase();
  return h('a', {
    key: task.ID,
    class: 'task st-' + state,
    href: '#/service/' + encodeURIComponent(task.ServiceID),
    style: serviceStyle(name),
    title: name + ' task ' + task.ID + ': ' + state + (task.Err ? ' (' + task.Err + ')' : ''),
    'data-task': task.ID,
    'data-service': name,
    'data-state': state,
  },
  h('span', { class: 'task-name' }, taskName(task, svc, hostname)),
  h('span', { class: 'task-state' }, state),
  h('span', { class: 'task-id' }, short(task.ID)));
}

function column(node, tasks, services) {
  const down = String(node.State).toLowerCase() !== 'ready';
  const role = node.Leader ? 'leader' : String(node.Role || '').toLowerCase();
  return h('div', {
    key: node.ID,
    class: 'node-col' + (down ? ' down' : '') + (node.Availability !== 'active' ? ' inactive' : ''),
    'data-node': node.Hostname,
    'data-node-id': node.ID,
  },
  h('header', { class: 'node-head' },
    h('h3', null, node.Hostname),
    h('div', { class: 'node-badges' }, badge(node.State), h('span', { class: 'badge role-' + role }, role), badge(node.Availability)),
    h('div', { class: 'node-addr' }, node.Addr || ''),
    meter('CPU', node.ReservedNanoCPUs, node.NanoCPUs, cpus),
    meter('Mem', node.ReservedMemoryBytes, node.MemoryBytes, bytes),
    labels(node.Labels),
    availabilityButton(node)),
  h('div', { class: 'tasks' }, tasks.map((t) => box(t, services.get(t.ServiceID), node.Hostname))),
  h('footer', { class: 'node-count' }, tasks.length + (tasks.length === 1 ? ' task' : ' tasks')));
}

export function mapView(state) {
  const services = new Map((state.services || []).map((s) => [s.ID, s]));
  const byNode = new Map();
  const order = (a, b) => {
    const sa = services.get(a.ServiceID)?.Name || '';
    const sb = services.get(b.ServiceID)?.Name || '';
    return sa < sb ? -1 : sa > sb ? 1 : (a.Slot || 0) - (b.Slot || 0);
  };
  for (const t of liveTasks(state.tasks)) {
    const k = t.NodeID || '';
    if (!byNode.has(k)) byNode.set(k, []);
    byNode.get(k).push(t);
  }
  const nodes = [...(state.nodes || [])].sort((a, b) => (a.Hostname < b.Hostname ? -1 : 1));
  const cols = nodes.map((n) => column(n, (byNode.get(n.ID) || []).sort(order), services));
  const unassigned = byNode.get('') || [];
  if (unassigned.length) {
    cols.push(column({ ID: '', Hostname: 'unassigned', State: 'pending', Role: 'none', Availability: 'active' },
      unassigned.sort(order), services));
  }
  return h('section', { class: 'view map-view' },
    h('h2', null, 'Cluster map'),
    h('ul', { class: 'legend' }, (state.services || []).map((s) =>
      h('li', { key: s.ID, style: serviceStyle(s.Name) }, h('a', { href: '#/service/' + encodeURIComponent(s.ID) }, s.Name)))),
    h('div', { class: 'map' }, cols));
}
