// One service: its tasks with their history and errors, the last lines of its logs (streaming),
// and its config. The detail is refetched whenever the page's snapshot changes (store.version).

import { h, Component } from '../lib.js';
import { getJSON } from '../api.js';
import { ago, badge, ended, ports, serviceStyle, short, table } from '../ui.js';
import { removeContainerButton, rollbackButton, scaleButton } from '../actions.js';
import { replicas, updateStatus } from './services.js';
import { LogLines } from './logs.js';

function taskRows(tasks, nodes) {
  const slot = (t) => (t.Slot ? 'slot ' + t.Slot : 'node ' + (nodes.get(t.NodeID) || short(t.NodeID)));
  const time = (t) => Date.parse(t.Timestamp || (t.Status && t.Status.Timestamp) || '') || 0;
  return [...tasks].sort((a, b) => (slot(a) === slot(b) ? time(b) - time(a) : (a.Slot || 0) - (b.Slot || 0) || (slot(a) < slot(b) ? -1 : 1)));
}

/** Tasks as the state snapshot names them, or as `docker service inspect`-style task objects. */
function flat(t) {
  if (!t.Status) return t;
  return {
    ID: t.ID, ServiceID: t.ServiceID, Slot: t.Slot, NodeID: t.NodeID, DesiredState: t.DesiredState,
    State: t.Status.State, Message: t.Status.Message, Err: t.Status.Err, Timestamp: t.Status.Timestamp,
    ContainerID: t.Status.ContainerStatus && t.Status.ContainerStatus.ContainerID,
    Image: t.Spec && t.Spec.ContainerSpec && t.Spec.ContainerSpec.Image,
  };
}

export class ServicePage extends Component {
  constructor(props) {
    super(props);
    this.state = { detail: null, error: '' };
  }

  componentDidMount() {
    this.load();
  }

  componentDidUpdate(prev) {
    if (prev.id !== this.props.id) {
      this.setState({ detail: null, error: '' });
    }
    if (prev.id !== this.props.id || prev.version !== this.props.version) this.load();
  }

  load() {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    const id = this.props.id;
    getJSON('/api/services/' + encodeURIComponent(id))
      .then((d) => id === this.props.id && this.setState({ detail: d, error: '' }))
      .catch((e) => this.setState({ error: e.message }))
      .finally(() => {
        this.loading = false;
        if (this.again) {
          this.again = false;
          this.load();
        }
      });
  }

  render({ id, state }) {
    const summary = (state.services || []).find((s) => s.ID === id || s.Name === id);
    const d = this.state.detail;
    const spec = d ? d.Service || d.service || d : null;
    const name = summary ? summary.Name : spec && spec.Spec ? spec.Spec.Name : short(id);
    const nodes = new Map((state.nodes || []).map((n) => [n.ID, n.Hostname]));
    const tasks = (d && (d.Tasks || d.tasks)) || (state.tasks || []).filter((t) => t.ServiceID === id);
    return h('section', { class: 'view service-view', 'data-service-id': id },
      h('p', { class: 'crumbs' }, h('a', { href: '#/services' }, 'Services'), ' / '),
      h('h2', { class: 'svc-title', style: serviceStyle(name) }, name),
      this.state.error ? h('p', { class: 'error' }, this.state.error) : null,
      summary ? h('dl', { class: 'facts' },
        h('dt', null, 'Mode'), h('dd', null, summary.Mode),
        h('dt', null, 'Replicas'), h('dd', null, replicas(summary)),
        h('dt', null, 'Image'), h('dd', null, h('code', { class: 'image' }, summary.Image)),
        h('dt', null, 'Ports'), h('dd', null, ports(summary.Ports)),
        h('dt', null, 'Update'), h('dd', null, updateStatus(summary))) : null,
      summary ? h('div', { class: 'actions' }, scaleButton(summary), rollbackButton(summary)) : null,
      h('h3', null, 'Tasks'),
      table([
        { label: 'Task', cell: (t) => h('code', { title: t.ID }, short(t.ID)) },
        { label: 'Slot', cell: (t) => (t.Slot ? name + '.' + t.Slot : '-') },
        { label: 'Node', cell: (t) => nodes.get(t.NodeID) || short(t.NodeID) || '-' },
        { label: 'Desired', cell: (t) => t.DesiredState },
        { label: 'State', cell: (t) => badge(t.State) },
        { label: 'When', cell: (t) => ago(t.Timestamp) },
        { label: 'Error', cell: (t) => (t.Err ? h('span', { class: 'error' }, t.Err) : h('span', { class: 'muted' }, t.Message || '')) },
        { label: 'Actions', write: true, cell: (t) => (ended(t.State) && ended(t.DesiredState) && t.ContainerID ? removeContainerButton(t) : null) },
      ], taskRows(tasks.map(flat), nodes), (t) => t.ID, { 'data-view': 'tasks' }),
      h('h3', null, 'Logs'),
      h(LogLines, { key: id, id }),
      h('h3', null, 'Config'),
      spec ? h('pre', { class: 'config' }, JSON.stringify(spec.Spec || spec, null, 2)) : h('p', { class: 'muted' }, 'loading…'));
  }
}
