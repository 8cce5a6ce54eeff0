// The single engine's containers: state, ports, health and CPU/memory sparklines fed by the
// /api/stats stream (kept only while this view is open).

import { h, Component } from '../lib.js';
import { badge, bytes, ports, section, short, table } from '../ui.js';

const SAMPLES = 30;

function sparkline(values, max, label) {
  if (!values || values.length < 2) return h('span', { class: 'muted' }, '…');
  const top = Math.max(max || 0, ...values, 1e-9);
  // the newest sample at the right edge, older ones leftwards, one step per sample
  const skip = SAMPLES - values.length;
  const pts = values.map((v, i) => (((skip + i) * 100) / (SAMPLES - 1)).toFixed(1) + ',' + (28 - (26 * v) / top).toFixed(1)).join(' ');
  return h('svg', { class: 'spark', viewBox: '0 0 100 30', preserveAspectRatio: 'none', role: 'img', 'aria-label': label },
    h('polyline', { points: pts }));
}

export class ContainersView extends Component {
  constructor(props) {
    super(props);
    this.state = { samples: {} };
  }

  componentDidMount() {
    this.source = new EventSource('/api/stats');
    this.source.addEventListener('stats', (e) => {
      let list;
      try {
        list = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      const next = {};
      for (const s of list) {
        const old = this.state.samples[s.ID] || { cpu: [], mem: [], limit: 0 };
        next[s.ID] = {
          cpu: old.cpu.concat([s.CPUPercent || 0]).slice(-SAMPLES),
          mem: old.mem.concat([s.MemoryBytes || 0]).slice(-SAMPLES),
          limit: s.MemoryLimit || 0,
        };
      }
      this.setState({ samples: next });
    });
  }

  componentWillUnmount() {
    if (this.source) this.source.close();
  }

  render({ state }) {
    const samples = this.state.samples;
    const of = (c) => samples[c.ID] || Object.entries(samples).find(([k]) => c.ID.startsWith(k) || k.startsWith(c.ID))?.[1];
    const rows = [...(state.containers || [])].sort((a, b) => (a.Name < b.Name ? -1 : 1));
    return section('Containers', table([
      { label: 'Name', cell: (c) => h('strong', null, String(c.Name || '').replace(/^\//, '')) },
      { label: 'ID', cell: (c) => h('code', null, short(c.ID)) },
      { label: 'Image', cell: (c) => h('code', { class: 'image' }, c.Image) },
      { label: 'State', cell: (c) => h('span', null, badge(c.State), ' ', h('small', null, c.Status || '')) },
      { label: 'Health', cell: (c) => (c.Health ? badge(c.Health) : '-') },
      { label: 'Ports', cell: (c) => ports(c.Ports) },
      { label: 'CPU', cell: (c) => {
        const s = of(c);
        return h('span', { class: 'metric' }, sparkline(s && s.cpu, 0, 'CPU'), s ? (s.cpu[s.cpu.length - 1] || 0).toFixed(1) + ' %' : '');
      } },
      { label: 'Memory', cell: (c) => {
        const s = of(c);
        return h('span', { class: 'metric' }, sparkline(s && s.mem, 0, 'memory'), s ? bytes(s.mem[s.mem.length - 1]) : '');
      } },
    ], rows, (c) => c.ID, { 'data-view': 'containers' }));
  }
}
