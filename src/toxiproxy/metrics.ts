/**
 * Proxy metrics in the Prometheus text format, named and labelled as the real server's
 * (-proxy-metrics): toxiproxy_proxy_{received,sent}_bytes_total{direction,listener,proxy,upstream}.
 * Received = bytes read from the source of a direction, sent = bytes written to its
 * destination after the toxics. Counted live, per chunk.
 */
export interface Counter {
  value: number;
}

export interface LinkCounters {
  received: Counter;
  sent: Counter;
}

interface Series {
  labels: Record<string, string>;
  received: Counter;
  sent: Counter;
}

const FAMILIES = [
  { name: 'toxiproxy_proxy_received_bytes_total', help: 'The number of bytes received from the source of a direction', key: 'received' },
  { name: 'toxiproxy_proxy_sent_bytes_total', help: 'The number of bytes sent to the destination of a direction', key: 'sent' },
] as const;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class ProxyMetrics {
  private readonly series = new Map<string, Series>();

  constructor(readonly enabled: boolean) {}

  /** The counters of one (proxy, listener, upstream, direction); created on first use. */
  counters(proxy: string, listener: string, upstream: string, direction: string): LinkCounters {
    const key = JSON.stringify([direction, listener, proxy, upstream]);
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { direction, listener, proxy, upstream }, received: { value: 0 }, sent: { value: 0 } };
      if (this.enabled) this.series.set(key, s);
    }
    return s;
  }

  render(): string {
    const sorted = [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
    let out = '';
    for (const family of FAMILIES) {
      if (sorted.length === 0) break;
      out += `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} counter\n`;
      for (const s of sorted) {
        const labels = Object.keys(s.labels)
          .sort()
          .map((k) => `${k}="${escapeLabel(s.labels[k])}"`)
          .join(',');
        out += `${family.name}{${labels}} ${s[family.key].value}\n`;
      }
    }
    return out;
  }
}
