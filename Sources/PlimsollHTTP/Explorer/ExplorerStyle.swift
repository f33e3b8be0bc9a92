/// The explorer's one stylesheet, served by the binary (`/explorer/static/explorer.css`): the
/// Content-Security-Policy allows styles from this origin only, no inline style, no script.
enum ExplorerStyle {
    static let css = """
        :root { --ink: #1b1f24; --muted: #4a5562; --line: #c9d1da; --paper: #ffffff; --band: #f3f5f8;
          --accent: #0b4f8a; --block: #a4161a; --review: #8a5a00; --ok: #1d6b35; --frozen: #3b4c9a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
          background: var(--paper); }
        header.top { background: var(--accent); color: #fff; padding: 8px 16px; }
        header.top nav { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
        header.top a, header.top button { color: #fff; font-weight: 600; }
        header.top form { display: inline-flex; gap: 6px; align-items: center; margin: 0; }
        header.top label { font-weight: 600; }
        header.top button { background: transparent; border: 1px solid #fff; border-radius: 4px; padding: 2px 10px;
          cursor: pointer; font: inherit; }
        header.top input { font: inherit; padding: 2px 6px; min-width: 16em; }
        main { padding: 16px; max-width: 1200px; }
        footer { padding: 16px; color: var(--muted); border-top: 1px solid var(--line); }
        h1 { font-size: 1.6em; margin: 0.2em 0 0.6em; }
        h2 { font-size: 1.2em; margin: 1.4em 0 0.5em; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        a { color: var(--accent); }
        code { font-size: 0.9em; word-break: break-all; }
        table { border-collapse: collapse; margin: 8px 0; }
        th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--band); }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
        dl.facts dt { font-weight: 600; color: var(--muted); }
        dl.facts dd { margin: 0; }
        .status-block, .bad { color: var(--block); font-weight: 700; }
        .status-review { color: var(--review); font-weight: 700; }
        .status-clear, .good { color: var(--ok); font-weight: 700; }
        .frozen-mark { color: var(--frozen); font-weight: 700; }
        .notice { background: var(--band); border-left: 4px solid var(--accent); padding: 8px 12px; }
        .error { background: #fdecec; border-left: 4px solid var(--block); padding: 8px 12px; }
        form.inline { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
        form.inline input, form.signin input { font: inherit; padding: 4px 6px; }
        form.signin { display: grid; gap: 8px; max-width: 32em; }
        form.signin button, form.inline button { font: inherit; padding: 4px 12px; }
        ol.timeline { list-style: none; padding: 0; border-left: 3px solid var(--line); margin-left: 6px; }
        ol.timeline li { padding: 2px 0 8px 14px; }
        .figure { overflow-x: auto; border: 1px solid var(--line); padding: 8px; background: #fbfcfd; }
        svg.graph .node rect { fill: #ffffff; stroke: #5b6775; stroke-width: 1.5; }
        svg.graph .node.person rect { fill: #eef6ff; }
        svg.graph .node.vessel rect { fill: #e8f3ec; stroke: var(--ok); }
        svg.graph .node.undeclared rect { fill: #fff7e6; stroke: var(--review); stroke-dasharray: 5 4; }
        svg.graph .node.review rect { stroke: var(--review); stroke-width: 2.5; }
        svg.graph .node.block rect { fill: #fdecec; stroke: var(--block); stroke-width: 3; }
        svg.graph .node.frozen rect { stroke-dasharray: 2 3; }
        svg.graph .label { font: 600 13px system-ui, sans-serif; fill: var(--ink); }
        svg.graph .sublabel { font: 11px system-ui, sans-serif; fill: var(--muted); }
        svg.graph .edge line { stroke: #7a8694; stroke-width: 1.5; }
        svg.graph .edge.highlighted line { stroke: var(--block); stroke-width: 3.5; }
        svg.graph .edge.cycle line { stroke-dasharray: 6 4; }
        svg.graph .edge-label { font: 600 12px system-ui, sans-serif; fill: var(--ink); }
        svg.graph .edge.highlighted .edge-label { fill: var(--block); }
        svg.graph .arrowhead { fill: #7a8694; }
        svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
        svg.chart .tick { font: 11px system-ui, sans-serif; fill: var(--muted); }
        svg.chart .series { fill: none; stroke-width: 2.5; }
        .series-0 { stroke: #0b4f8a; } .series-1 { stroke: #a4161a; } .series-2 { stroke: #1d6b35; }
        .series-3 { stroke: #8a5a00; } .series-4 { stroke: #5b2a86; } .series-5 { stroke: #00707a; }
        .series-6 { stroke: #9c2f6b; } .series-7 { stroke: #444444; }
        .swatch { display: inline-block; width: 1.6em; height: 0.3em; vertical-align: middle; border-top: 4px solid; }
        .swatch.series-0 { border-color: #0b4f8a; } .swatch.series-1 { border-color: #a4161a; }
        .swatch.series-2 { border-color: #1d6b35; } .swatch.series-3 { border-color: #8a5a00; }
        .swatch.series-4 { border-color: #5b2a86; } .swatch.series-5 { border-color: #00707a; }
        .swatch.series-6 { border-color: #9c2f6b; } .swatch.series-7 { border-color: #444444; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
        """
}
