import Mustache

/// The explorer's pages as mustache templates (swift-mustache), compiled into the binary: every
/// page extends `layout`; `{{ }}` escapes, `{{{ }}}` is used only for SVG the explorer drew
/// itself from escaped text (`OwnershipPicture`, `HoldingsChart`).
enum ExplorerTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do { try library.register(text, named: name) } catch {
                preconditionFailure("explorer template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    static let sources: [String: String] = [
        "layout": """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}Explorer{{/title}} · {{registryName}}</title>
        <link rel="stylesheet" href="/explorer/static/explorer.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
        <nav aria-label="Explorer">
        <a href="/explorer">Registry</a>
        <a href="/explorer/blocks">Blocks</a>
        {{#signedIn}}
        <form method="post" action="/explorer/search" role="search">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="search-q">Search</label>
        <input id="search-q" name="q" type="search" required maxlength="200" placeholder="name, IMO number or key">
        <button type="submit">Search</button>
        </form>
        <form method="post" action="/explorer/sign-out">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Sign out</button>
        </form>
        {{/signedIn}}
        {{^signedIn}}<a href="/explorer/sign-in">Sign in</a>{{/signedIn}}
        </nav>
        </header>
        <main id="main">
        {{$content}}{{/content}}
        </main>
        <footer>Plimsoll registry explorer · height {{height}} · everything shown is read from the signed log</footer>
        </body>
        </html>
        """,
        "registry": """
        {{<layout}}{{$title}}Registry{{/title}}{{$content}}
        <h1>{{registryName}}</h1>
        <section aria-labelledby="head-h">
        <h2 id="head-h">Latest signed head</h2>
        {{#head}}{{>header}}{{/head}}
        </section>
        {{#signedIn}}
        <section aria-labelledby="lists-h">
        <h2 id="lists-h">Sanctions lists in force</h2>
        <table id="lists"><thead><tr><th scope="col">Source</th><th scope="col">Format</th><th scope="col">Entries</th><th scope="col">Adopted</th><th scope="col">Edition (content hash)</th></tr></thead>
        <tbody>{{#lists}}<tr><td>{{source}}</td><td>{{format}}</td><td class="num">{{entities}}</td><td>{{adopted}}</td><td><code>{{hash}}</code></td></tr>{{/lists}}
        {{^lists}}<tr><td colspan="5">No list adopted</td></tr>{{/lists}}</tbody></table>
        </section>
        <section aria-labelledby="vessels-h">
        <h2 id="vessels-h">Vessels</h2>
        <table id="vessels"><thead><tr><th scope="col">Vessel</th><th scope="col">IMO</th><th scope="col">Flag</th><th scope="col">Status</th><th scope="col">Screening</th></tr></thead>
        <tbody>{{#vessels}}<tr><td><a href="/explorer/vessels/{{imo}}">{{name}}</a></td><td>{{imo}}</td><td>{{flag}}</td><td>{{#frozen}}<span class="frozen-mark">frozen</span>{{/frozen}}{{^frozen}}{{status}}{{/frozen}}</td><td class="status-{{screening}}">{{screening}}</td></tr>{{/vessels}}
        {{^vessels}}<tr><td colspan="5">No vessel registered</td></tr>{{/vessels}}</tbody></table>
        </section>
        <section aria-labelledby="frozen-h">
        <h2 id="frozen-h">Frozen parties</h2>
        <ul id="frozen-parties">{{#frozenParties}}<li><a href="/explorer/parties/{{id}}">{{name}}</a> (party {{id}}, <span class="status-{{screening}}">{{screening}}</span>)</li>{{/frozenParties}}
        {{^frozenParties}}<li>None</li>{{/frozenParties}}</ul>
        </section>
        {{/signedIn}}
        {{^signedIn}}<p class="notice">Blocks, proofs and the signed head are public. <a href="/explorer/sign-in">Sign in</a> with a regulator token to see vessels, parties, ownership and screening.</p>{{/signedIn}}
        <section aria-labelledby="recent-h">
        <h2 id="recent-h">Recent blocks</h2>
        {{>blockTable}}
        </section>
        {{/content}}{{/layout}}
        """,
        "header": """
        <dl class="facts">
        <dt>Height</dt><dd><a href="/explorer/blocks/{{height}}">{{height}}</a></dd>
        <dt>Time</dt><dd>{{time}}</dd>
        <dt>Block hash</dt><dd><code>{{hash}}</code></dd>
        <dt>Previous</dt><dd><code>{{prevHash}}</code></dd>
        <dt>Header version</dt><dd>{{version}}</dd>
        <dt>Entries</dt><dd>{{entryCount}}</dd>
        <dt>Entries root</dt><dd><code>{{entriesRoot}}</code></dd>
        <dt>Log size</dt><dd>{{logSize}}</dd>
        <dt>Log root</dt><dd><code>{{logRoot}}</code></dd>
        <dt>State commitment</dt><dd><code>{{stateDigest}}</code></dd>
        <dt>Lists digest</dt><dd><code>{{listsDigest}}</code></dd>
        <dt>Signed by</dt><dd><code>{{signer}}</code> (the sequencer key in force)</dd>
        <dt>Signature</dt><dd><code>{{signature}}</code> {{#signatureValid}}<span class="good" id="signature-check">valid</span>{{/signatureValid}}{{^signatureValid}}<span class="bad" id="signature-check">INVALID</span>{{/signatureValid}}</dd>
        </dl>
        """,
        "blockTable": """
        <table id="blocks"><thead><tr><th scope="col">Height</th><th scope="col">Time</th><th scope="col">Entries</th><th scope="col">Log size</th><th scope="col">Hash</th></tr></thead>
        <tbody>{{#blocks}}<tr><td><a href="/explorer/blocks/{{height}}">{{height}}</a></td><td>{{time}}</td><td class="num">{{entryCount}}</td><td class="num">{{logSize}}</td><td><code>{{shortHash}}</code></td></tr>{{/blocks}}</tbody></table>
        {{#older}}<p><a href="/explorer/blocks?below={{older}}">Older blocks</a></p>{{/older}}
        """,
        "blocks": """
        {{<layout}}{{$title}}Blocks{{/title}}{{$content}}
        <h1>Blocks</h1>
        {{>blockTable}}
        {{/content}}{{/layout}}
        """,
        "block": """
        {{<layout}}{{$title}}Block {{head.height}}{{/title}}{{$content}}
        <h1>Block {{head.height}}</h1>
        {{#head}}{{>header}}{{/head}}
        <h2 id="entries-h">Entries</h2>
        <p id="entries-root">The entries root recomputed from all {{entryTotal}} entries {{#rootMatches}}<span class="good">matches the header</span>{{/rootMatches}}{{^rootMatches}}<span class="bad">DOES NOT MATCH the header</span>{{/rootMatches}}. Each entry shown has its inclusion proof checked against the header's log root (RFC 6962){{#paged}}; page {{page}} of {{pages}}{{/paged}}.</p>
        <table id="entries" aria-labelledby="entries-h"><thead><tr><th scope="col">Leaf</th><th scope="col">Kind</th><th scope="col">Entry</th><th scope="col">Inclusion</th></tr></thead>
        <tbody>{{#entries}}<tr><td class="num">{{leaf}}</td><td>{{kind}}</td><td>{{summary}}<br><code>{{id}}</code></td><td>{{#included}}<span class="good">proven</span>{{/included}}{{^included}}<span class="bad">NOT PROVEN</span>{{/included}}</td></tr>{{/entries}}</tbody></table>
        {{#previousPage}}<p><a href="/explorer/blocks/{{head.height}}?page={{previousPage}}">Previous entries</a></p>{{/previousPage}}
        {{#nextPage}}<p><a href="/explorer/blocks/{{head.height}}?page={{nextPage}}">Next entries</a></p>{{/nextPage}}
        {{^signedIn}}<p class="notice">Entry summaries name parties: <a href="/explorer/sign-in">sign in</a> to read them.</p>{{/signedIn}}
        {{/content}}{{/layout}}
        """,
        "signIn": """
        {{<layout}}{{$title}}Sign in{{/title}}{{$content}}
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert" id="sign-in-error">{{error}}</p>{{/error}}
        <form class="signin" method="post" action="/explorer/sign-in">
        <input type="hidden" name="csrf" value="{{signInToken}}">
        <label for="token">Regulator token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required maxlength="200"{{#error}} aria-invalid="true" aria-describedby="sign-in-error"{{/error}}>
        <button type="submit">Sign in</button>
        </form>
        <p>The token (from <code>plimsoll token grant --role regulator</code>) is checked once; the browser then holds a session cookie that expires after 8 hours or at sign-out.</p>
        {{/content}}{{/layout}}
        """,
        "vessel": """
        {{<layout}}{{$title}}{{name}} {{imo}}{{/title}}{{$content}}
        <h1>{{name}} <small>{{imo}}</small></h1>
        <dl class="facts" id="particulars">
        <dt>Flag</dt><dd>{{flag}}</dd><dt>Type</dt><dd>{{type}}</dd><dt>Gross tonnage</dt><dd>{{grossTonnage}}</dd>
        <dt>Units</dt><dd>{{units}} ({{unissued}} not issued)</dd>
        <dt>Status</dt><dd>{{#frozen}}<span class="frozen-mark">frozen</span>{{/frozen}}{{^frozen}}{{status}}{{/frozen}}</dd>
        <dt>Screening</dt><dd><span class="status-{{screening}}">{{screening}}</span> {{screeningEvidence}}</dd>
        {{#roles}}<dt>{{role}}</dt><dd><a href="/explorer/parties/{{id}}">{{name}}</a> (party {{id}})</dd>{{/roles}}
        </dl>
        <section aria-labelledby="cap-h">
        <h2 id="cap-h">Cap table</h2>
        <form class="inline" method="get" action="/explorer/vessels/{{imo}}">
        <label for="at">As at the end of (UTC)</label>
        <input type="date" id="at" name="at" value="{{atDate}}">
        <button type="submit" id="at-show">Show at date</button>
        </form>
        <form class="inline" method="get" action="/explorer/vessels/{{imo}}">
        <label for="at-height">or at height</label>
        <input type="number" id="at-height" name="height" min="0" max="{{height}}" value="{{atHeight}}">
        <button type="submit" id="height-show">Show at height</button>
        </form>
        <p id="cap-height">At height {{capHeight}} ({{capTime}}){{#past}}, not the latest ({{height}}){{/past}}.</p>
        <table id="cap-table"><caption>Holders of {{imo}} at height {{capHeight}}</caption>
        <thead><tr><th scope="col">Holder</th><th scope="col">Key</th><th scope="col">Units</th><th scope="col">Share</th></tr></thead>
        <tbody>{{#holders}}<tr><td>{{#party}}<a href="/explorer/parties/{{party}}">{{name}}</a>{{/party}}{{^party}}{{name}}{{/party}}</td><td><code>{{key}}</code></td><td class="num">{{units}}</td><td class="num">{{percent}}</td></tr>{{/holders}}
        {{^holders}}<tr><td colspan="4">No holder</td></tr>{{/holders}}</tbody></table>
        </section>
        <section aria-labelledby="graph-h">
        <h2 id="graph-h">Beneficial ownership at height {{capHeight}}</h2>
        {{>ownership}}
        </section>
        <section aria-labelledby="chart-h">
        <h2 id="chart-h">Units over time</h2>
        <div class="figure" tabindex="0" role="region" aria-label="Chart of units over time">{{{chartSVG}}}</div>
        <table id="chart-legend"><thead><tr><th scope="col">Line</th><th scope="col">Holder</th><th scope="col">Changes</th><th scope="col">Units now</th></tr></thead>
        <tbody>{{#series}}<tr><td><span class="swatch series-{{index}}"></span> line {{number}}</td><td>{{label}}</td><td class="num">{{changes}}</td><td class="num">{{units}}</td></tr>{{/series}}</tbody></table>
        </section>
        <section aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        <ol class="timeline" id="history">{{#events}}<li><a href="/explorer/blocks/{{height}}">block {{height}}</a> · {{time}} · {{kind}}: {{summary}}</li>{{/events}}</ol>
        </section>
        {{/content}}{{/layout}}
        """,
        "ownership": """
        {{#graph}}
        <p>Arrows point from an owner to what it owns; the share is on the arrow. <span class="status-block">Blocked</span> parties are drawn in red, and so is every chain that leads to one; parties held for <span class="status-review">review</span> in amber; frozen ones with a dotted outline; cycles dashed. Hover a party for its screening evidence.</p>
        <div class="figure" id="ownership-graph" tabindex="0" role="region" aria-label="Ownership graph">{{{graphSVG}}}</div>
        {{#truncated}}<p class="notice">The structure has more parties than the picture shows; the table lists those drawn.</p>{{/truncated}}
        <table id="graph-parties"><caption>Parties in the picture</caption>
        <thead><tr><th scope="col">Party</th><th scope="col">Kind</th><th scope="col">Screening</th><th scope="col">Frozen</th><th scope="col">Evidence</th></tr></thead>
        <tbody>{{#nodes}}<tr><td>{{#party}}<a href="/explorer/parties/{{party}}">{{label}}</a>{{/party}}{{^party}}{{label}}{{/party}}</td><td>{{kind}}</td><td class="status-{{status}}">{{status}}</td><td>{{#frozen}}<span class="frozen-mark">frozen</span>{{/frozen}}</td><td>{{detail}}</td></tr>{{/nodes}}</tbody></table>
        <table id="graph-links"><caption>Links in the picture</caption>
        <thead><tr><th scope="col">Owner</th><th scope="col">Owns</th><th scope="col">Share</th><th scope="col">Leads to a blocked party</th></tr></thead>
        <tbody>{{#edges}}<tr><td>{{from}}</td><td>{{to}}</td><td>{{label}}{{#inCycle}} (cycle){{/inCycle}}</td><td>{{#highlighted}}<span class="status-block">yes</span>{{/highlighted}}{{^highlighted}}no{{/highlighted}}</td></tr>{{/edges}}</tbody></table>
        {{/graph}}
        <h3>Natural persons</h3>
        <ul id="natural-persons">{{#owners}}<li><a href="/explorer/parties/{{party}}">{{name}}</a>: {{percent}} ({{exact}})</li>{{/owners}}{{^owners}}<li>None found</li>{{/owners}}</ul>
        {{#hasGaps}}<h3>Undeclared remainders</h3>{{/hasGaps}}
        <ul id="undeclared">{{#gaps}}<li>party {{party}} {{name}}: {{percent}} ({{reason}})</li>{{/gaps}}</ul>
        """,
        "party": """
        {{<layout}}{{$title}}Party {{id}}{{/title}}{{$content}}
        <h1>{{name}} <small>party {{id}}</small></h1>
        <dl class="facts" id="party-facts">
        <dt>Kind</dt><dd>{{kind}}</dd><dt>Country</dt><dd>{{country}}</dd>
        {{#born}}<dt>Born</dt><dd>{{born}}</dd>{{/born}}
        {{#aliases}}<dt>Alias</dt><dd>{{.}}</dd>{{/aliases}}
        <dt>Screening</dt><dd><span class="status-{{screening}}" id="party-screening">{{screening}}</span> {{screeningEvidence}}</dd>
        <dt>Frozen</dt><dd>{{#frozen}}<span class="frozen-mark">yes</span>{{/frozen}}{{^frozen}}no{{/frozen}}</dd>
        <dt>Keys</dt><dd>{{#keys}}<code>{{.}}</code><br>{{/keys}}{{^keys}}none{{/keys}}</dd>
        </dl>
        <section aria-labelledby="holdings-h">
        <h2 id="holdings-h">Holdings</h2>
        <table id="holdings"><thead><tr><th scope="col">Vessel</th><th scope="col">Key</th><th scope="col">Units</th></tr></thead>
        <tbody>{{#holdings}}<tr><td><a href="/explorer/vessels/{{imo}}">{{imo}}</a></td><td><code>{{key}}</code></td><td class="num">{{units}}</td></tr>{{/holdings}}
        {{^holdings}}<tr><td colspan="3">None</td></tr>{{/holdings}}</tbody></table>
        </section>
        <section aria-labelledby="up-h">
        <h2 id="up-h">Owned by (up the chain)</h2>
        {{>ownership}}
        </section>
        <section aria-labelledby="down-h">
        <h2 id="down-h">Owns (down the chain)</h2>
        <ul id="owns">{{#owns}}<li><a href="/explorer/parties/{{party}}">{{name}}</a>: {{share}}</li>{{/owns}}{{^owns}}<li>Nothing declared</li>{{/owns}}</ul>
        </section>
        <section aria-labelledby="decisions-h">
        <h2 id="decisions-h">Screening decisions</h2>
        <ol class="timeline" id="decisions">{{#decisions}}<li><a href="/explorer/blocks/{{height}}">block {{height}}</a> · {{time}} · {{summary}}</li>{{/decisions}}{{^decisions}}<li>None recorded</li>{{/decisions}}</ol>
        </section>
        {{/content}}{{/layout}}
        """,
        "search": """
        {{<layout}}{{$title}}Search{{/title}}{{$content}}
        <h1>Search results for “{{query}}”</h1>
        <h2>Vessels</h2>
        <ul id="vessel-results">{{#vessels}}<li><a href="/explorer/vessels/{{imo}}">{{name}} {{imo}}</a></li>{{/vessels}}{{^vessels}}<li>None</li>{{/vessels}}</ul>
        <h2>Parties</h2>
        <ul id="party-results">{{#parties}}<li><a href="/explorer/parties/{{id}}">{{name}}</a> (party {{id}}, {{country}})</li>{{/parties}}{{^parties}}<li>None</li>{{/parties}}</ul>
        {{#more}}<p class="notice">Only the first {{limit}} matches are shown: refine the query.</p>{{/more}}
        {{/content}}{{/layout}}
        """,
        "message": """
        {{<layout}}{{$title}}{{heading}}{{/title}}{{$content}}
        <h1>{{heading}}</h1>
        <p class="{{tone}}" id="message">{{message}}</p>
        {{#signInLink}}<p><a href="/explorer/sign-in">Sign in</a></p>{{/signInLink}}
        {{/content}}{{/layout}}
        """,
    ]
}
