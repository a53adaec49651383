/**
 * Vega-Lite spec → SVG string, headless: vega-lite compiles to Vega, a Vega View with the
 * 'none' renderer computes the scene, toSVG serialises it. No browser, no canvas (text
 * widths are estimated, which is fine for plots).
 */
import { logger, parse, View, Warn } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface RenderOptions {
  /** receives vega-lite / vega warnings (default: dropped) */
  onWarning?: (message: string) => void;
}

/** Render a vega-lite spec to an SVG document string; rejects on vega errors (a broken spec). */
export async function renderSvg(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<string> {
  const errors: string[] = [];
  const log = logger(Warn, undefined, (method, _level, args) => {
    const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    if (method === 'error') errors.push(text);
    else opts.onWarning?.(text);
  });
  const vg = compile(spec, { logger: log }).spec;
  const view = new View(parse(vg), { renderer: 'none', logger: log });
  try {
    const svg = await view.toSVG();
    if (errors.length) throw new Error(`vega: ${errors.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}
