// The last lines of a service's logs, following (GET /api/services/{id}/logs, server-sent events).
// The stream closes when the component goes (another page, another service).

import { h, Component } from '../lib.js';

const KEEP = 200;

export class LogLines extends Component {
  constructor(props) {
    super(props);
    this.state = { lines: [], error: '' };
    this.seq = 0;
  }

  componentDidMount() {
    const lines = [];
    let pending = 0;
    this.source = new EventSource('/api/services/' + encodeURIComponent(this.props.id) + '/logs?tail=100');
    this.source.addEventListener('line', (e) => {
      let v;
      try {
        v = JSON.parse(e.data);
      } catch (err) {
        v = { line: e.data };
      }
      lines.push({ n: this.seq++, task: v.task || '', line: v.line ?? '' });
      if (lines.length > KEEP) lines.splice(0, lines.length - KEEP);
      // a burst of lines renders once per frame
      if (!pending) pending = requestAnimationFrame(() => {
        pending = 0;
        this.setState({ lines: lines.slice(), error: '' });
      });
    });
    this.source.addEventListener('warning', (e) => {
      let v;
      try {
        v = JSON.parse(e.data);
      } catch (err) {
        v = { message: e.data };
      }
      this.setState({ warning: v.message || String(e.data) });
    });
    this.source.onerror = () => this.setState({ error: 'log stream interrupted; reconnecting…' });
    this.source.onopen = () => this.state.error && this.setState({ error: '' });
  }

  componentWillUnmount() {
    if (this.source) this.source.close();
  }

  componentDidUpdate() {
    if (this.base && this.follow !== false) {
      const pre = this.base.querySelector('.log');
      if (pre) pre.scrollTop = pre.scrollHeight;
    }
  }

  render() {
    return h('div', { class: 'logs' },
      this.state.error ? h('p', { class: 'muted' }, this.state.error) : null,
      this.state.warning ? h('p', { class: 'error' }, this.state.warning) : null,
      h('div', { class: 'log', 'data-view': 'logs', onScroll: (e) => {
        const el = e.currentTarget;
        this.follow = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
      } },
      this.state.lines.length
        ? this.state.lines.map((l) => h('div', { key: l.n, class: 'log-line' }, l.task ? h('span', { class: 'log-task' }, String(l.task).slice(0, 12)) : null, l.line))
        : h('span', { class: 'muted' }, 'no lines yet')));
  }
}
