/* citegraph explorer. Every string from the graph is rendered with
 * textContent or as a form value; nothing here builds markup from data. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("citegraph-data").textContent);
  var parsedMs = performance.now();
  var meta = data.meta;
  var byId = new Map();
  var inEdges = new Map();
  var outEdges = new Map();
  var kindLabels = new Map();
  var state = { kinds: new Set(), publisher: "", outlet: "", from: "", to: "", minCited: 0, focus: null };
  var visible = new Set();
  var ready = false;
  window.citegraphState = { ready: false, readyMs: null, parsedMs: parsedMs, networkMs: null, drawn: 0, shown: meta.shown_nodes };

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function push(map, key, value) {
    var list = map.get(key);
    if (!list) { list = []; map.set(key, list); }
    list.push(value);
  }

  data.nodes.forEach(function (n) { byId.set(n.id, n); });
  data.edges.forEach(function (e) { push(outEdges, e.from, e); push(inEdges, e.to, e); });
  data.kinds.forEach(function (k) { kindLabels.set(k.kind, k.label); state.kinds.add(k.kind); });

  function edgesOf(id, map, relation) {
    return (map.get(id) || []).filter(function (e) { return !relation || e.relation === relation; });
  }

  function neighbours(id) {
    var out = new Set([id]);
    edgesOf(id, outEdges).forEach(function (e) { out.add(e.to); });
    edgesOf(id, inEdges).forEach(function (e) { out.add(e.from); });
    return out;
  }

  /* ------------------------------------------------------------ filters */

  function articleFilterActive() {
    return Boolean(state.publisher || state.outlet || state.from || state.to);
  }

  function articlePasses(n) {
    var a = n.attrs;
    if (state.publisher && a.publisher !== state.publisher) return false;
    if (state.from && !(a.published && a.published >= state.from)) return false;
    if (state.to && !(a.published && a.published <= state.to)) return false;
    if (state.outlet) {
      return edgesOf(n.id, outEdges, "cites").some(function (e) { return e.to === state.outlet; });
    }
    return true;
  }

  function sourcePasses(n) {
    return n.cited >= state.minCited;
  }

  function linkedTo(n, pool) {
    return edgesOf(n.id, outEdges).some(function (e) { return pool.has(e.to); }) ||
      edgesOf(n.id, inEdges).some(function (e) { return pool.has(e.from); });
  }

  function computeVisible() {
    var pool = new Set();
    var others = [];
    data.nodes.forEach(function (n) {
      if (n.kind === "article") { if (articlePasses(n)) pool.add(n.id); }
      else if (sourcePasses(n)) others.push(n);
    });
    if (articleFilterActive()) {
      for (var round = 0; round < 2; round += 1) {
        others = others.filter(function (n) { if (linkedTo(n, pool)) { pool.add(n.id); return false; } return true; });
      }
    } else {
      others.forEach(function (n) { pool.add(n.id); });
    }
    var near = state.focus ? neighbours(state.focus) : null;
    visible = new Set();
    pool.forEach(function (id) {
      var n = byId.get(id);
      if (state.kinds.has(n.kind) && (!near || near.has(id))) visible.add(id);
    });
    if (state.focus) visible.add(state.focus);
  }

  /* -------------------------------------------------------------- graph */

  /* Filters toggle each node's `hidden` flag; vis then leaves out the node
   * and every edge touching it, keeping positions for when it comes back. */
  var hidden = new Map();
  computeVisible();
  /* vis gets only what it draws: the DataSet copies items it hands out, and
   * copying every evidence sentence would slow the first draw. */
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    hidden.set(n.id, !visible.has(n.id));
    return { id: n.id, label: n.label, shape: n.shape, color: n.color, size: n.size, x: n.x, y: n.y, hidden: hidden.get(n.id) };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    return { id: e.id, from: e.from, to: e.to, width: e.width, dashes: e.dashes, color: e.color, arrows: e.arrows };
  }));
  var network = new vis.Network($("graph"), { nodes: nodes, edges: edges }, data.options);
  window.citegraphState.networkMs = performance.now();
  window.citegraph = {
    network: network, nodes: nodes, edges: edges, state: state,
    visibleIds: function () { return Array.from(visible).sort(); },
    drawnIds: function () { return network.body.nodeIndices.slice().sort(); },
    select: selectNode
  };

  function markReady() {
    if (ready) return;
    ready = true;
    var s = window.citegraphState;
    s.ready = true;
    s.readyMs = performance.now();
    s.drawn = network.body.nodeIndices.length;
    document.body.setAttribute("data-ready", "true");
    showStatus();
  }

  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      network.moveTo({ scale: network.getScale() * 0.92, animation: false });
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  function refresh() {
    computeVisible();
    var changes = [];
    data.nodes.forEach(function (n) {
      var hide = !visible.has(n.id);
      if (hide !== hidden.get(n.id)) { hidden.set(n.id, hide); changes.push({ id: n.id, hidden: hide }); }
    });
    if (changes.length) nodes.update(changes);
    showStatus();
  }

  function showStatus() {
    var text = "Showing " + network.body.nodeIndices.length + " of " + meta.shown_nodes + " nodes";
    if (state.focus) text += " (neighbourhood of " + byId.get(state.focus).name + ")";
    $("status").textContent = text;
  }

  /* ------------------------------------------------------------ details */

  function selectNode(id) {
    if (!byId.has(id)) return false;
    if (!visible.has(id)) { resetFilters(); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: false });
    showDetails(id);
    return true;
  }

  function nodeButton(id) {
    var n = byId.get(id);
    var b = el("button", n ? n.name : id, "link");
    b.type = "button";
    b.addEventListener("click", function () { selectNode(id); });
    return b;
  }

  function linkFor(attrs) {
    if (!attrs.url) return null;
    var href = null;
    try {
      var u = new URL(attrs.href || "");
      if (u.protocol === "http:" || u.protocol === "https:") href = u.href;
    } catch (err) { href = null; }
    if (!href) return el("span", attrs.url);
    var a = el("a", attrs.url);
    a.href = href;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  }

  var FIELDS = {
    article: [["title", "Title"], ["publisher", "Publisher"], ["published", "Published"], ["byline", "Byline"]],
    outlet: [["outlet_kind", "Kind"], ["country", "Country"], ["known", "In gazetteer"], ["domains", "Domains"]],
    document: [["doc_type", "Type"], ["issuer", "Issuer"], ["via", "Via outlet"], ["date", "Date"]]
  };

  function fieldText(value) {
    if (Array.isArray(value)) return value.join(", ");
    if (value === true) return "yes";
    if (value === false) return "no";
    return String(value);
  }

  function attributeList(n) {
    var dl = el("dl");
    (FIELDS[n.kind] || []).forEach(function (f) {
      var value = n.attrs[f[0]];
      if (value === undefined || value === null || value === "") return;
      dl.appendChild(el("dt", f[1]));
      dl.appendChild(el("dd", fieldText(value)));
    });
    var link = linkFor(n.attrs);
    if (link) { dl.appendChild(el("dt", "Link")); var dd = el("dd"); dd.appendChild(link); dl.appendChild(dd); }
    return dl;
  }

  function evidenceList(e) {
    var box = el("div", null, "evidence");
    if (e.cues.length) box.appendChild(el("p", "cue: " + e.cues.join(", "), "cue"));
    e.evidence.forEach(function (text) { box.appendChild(el("blockquote", text)); });
    return box;
  }

  function edgeSection(title, list, otherEnd, withEvidence) {
    var section = el("section", null, "edges");
    section.appendChild(el("h3", title + " (" + list.length + ")"));
    var ul = el("ul");
    list.forEach(function (e) {
      var li = el("li");
      var id = otherEnd(e);
      li.appendChild(nodeButton(id));
      var other = byId.get(id);
      if (other && other.kind === "article") {
        var bits = [other.attrs.publisher, other.attrs.published].filter(Boolean);
        if (bits.length) li.appendChild(el("span", " " + bits.join(", "), "muted"));
      }
      if (e.count > 1) li.appendChild(el("span", " \u00d7" + e.count, "muted"));
      if (withEvidence) li.appendChild(evidenceList(e));
      ul.appendChild(li);
    });
    section.appendChild(ul);
    return section;
  }

  function byName(key) {
    return function (a, b) {
      var x = (byId.get(key(a)) || {}).name || "", y = (byId.get(key(b)) || {}).name || "";
      return x < y ? -1 : x > y ? 1 : 0;
    };
  }

  function showDetails(id) {
    var n = byId.get(id);
    var panel = $("details");
    panel.replaceChildren();
    panel.appendChild(el("h2", n.name, "name"));
    panel.appendChild(el("p", (kindLabels.get(n.kind) || n.kind) + (n.kind === "article" ? "" : " \u00b7 cited by " + n.cited + " article(s)"), "kind"));
    panel.appendChild(attributeList(n));
    panel.appendChild(focusButtons(id));
    var from = function (e) { return e.from; };
    var to = function (e) { return e.to; };
    var cites = edgesOf(id, outEdges, "cites").sort(byName(to));
    var citedBy = edgesOf(id, inEdges, "cites").sort(byName(from));
    var published = edgesOf(id, outEdges, "published").sort(byName(to));
    var other = edgesOf(id, outEdges).concat(edgesOf(id, inEdges)).filter(function (e) {
      return e.relation !== "cites" && e.relation !== "published";
    });
    if (cites.length) panel.appendChild(edgeSection("Cites", cites, to, true));
    if (citedBy.length) panel.appendChild(edgeSection("Cited by", citedBy, from, true));
    if (published.length) panel.appendChild(edgeSection("Published", published, to, false));
    edgesOf(id, inEdges, "published").forEach(function (e) { panel.appendChild(edgeSection("Published by", [e], from, false)); });
    if (other.length) panel.appendChild(edgeSection("Linked", other, function (e) { return e.from === id ? e.to : e.from; }, false));
  }

  function focusButtons(id) {
    var box = el("p", null, "actions");
    var near = el("button", state.focus === id ? "Show all nodes" : "Neighbourhood only");
    near.type = "button";
    near.id = "neighbourhood";
    near.addEventListener("click", function () {
      state.focus = state.focus === id ? null : id;
      refresh();
      showDetails(id);
      network.fit({ animation: false });
    });
    box.appendChild(near);
    return box;
  }

  /* ------------------------------------------------------------ tooltip */

  var tooltip = $("tooltip");
  network.on("hoverNode", function (p) {
    var n = byId.get(p.node);
    tooltip.replaceChildren(el("strong", n.name));
    var line = kindLabels.get(n.kind) || n.kind;
    if (n.kind === "article") line += [n.attrs.publisher, n.attrs.published].filter(Boolean).map(function (s) { return " \u00b7 " + s; }).join("");
    else line += " \u00b7 cited by " + n.cited;
    tooltip.appendChild(el("div", line));
    var box = $("graph").getBoundingClientRect();
    tooltip.style.left = Math.round(box.left + p.pointer.DOM.x + 14) + "px";
    tooltip.style.top = Math.round(box.top + p.pointer.DOM.y + 14) + "px";
    tooltip.hidden = false;
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });
  network.on("click", function (p) {
    if (p.nodes.length) showDetails(p.nodes[0]);
  });

  /* ----------------------------------------------------------- controls */

  function fillSelect(select, values) {
    values.forEach(function (v) {
      var o = el("option", v[1]);
      o.value = v[0];
      select.appendChild(o);
    });
  }

  function sortedUnique(list) {
    return Array.from(new Set(list)).sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
  }

  function buildLegend() {
    var ul = $("legend");
    data.kinds.forEach(function (k) {
      var li = el("li");
      var label = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = k.kind;
      box.setAttribute("data-kind", k.kind);
      box.addEventListener("change", function () {
        if (box.checked) state.kinds.add(k.kind); else state.kinds.delete(k.kind);
        refresh();
      });
      var swatch = el("span", null, "swatch swatch-" + k.shape);
      swatch.style.backgroundColor = k.color;
      label.appendChild(box);
      label.appendChild(swatch);
      label.appendChild(el("span", k.label + " (" + k.count + ")"));
      li.appendChild(label);
      ul.appendChild(li);
    });
  }

  function buildMenus() {
    var publishers = new Map();
    var outlets = new Map();
    data.nodes.forEach(function (n) {
      if (n.kind === "article" && n.attrs.publisher) publishers.set(n.attrs.publisher, n.attrs.publisher);
      if (n.kind === "outlet" && edgesOf(n.id, inEdges, "cites").length) outlets.set(n.id, n.name);
    });
    fillSelect($("publisher"), sortedUnique(Array.from(publishers.entries())));
    fillSelect($("cited-outlet"), sortedUnique(Array.from(outlets.entries())));
    var names = $("search-names");
    var seen = new Set();
    data.nodes.forEach(function (n) {
      if (seen.has(n.name)) return;
      seen.add(n.name);
      var o = el("option");
      o.value = n.name;
      names.appendChild(o);
    });
  }

  function bindInput(id, key, parse) {
    var input = $(id);
    var handler = function () { state[key] = parse(input.value); refresh(); };
    input.addEventListener("change", handler);
    input.addEventListener("input", handler);
  }

  function resetFilters() {
    state.publisher = state.outlet = state.from = state.to = "";
    state.minCited = 0;
    state.focus = null;
    data.kinds.forEach(function (k) { state.kinds.add(k.kind); });
    ["publisher", "cited-outlet", "date-from", "date-to"].forEach(function (id) { $(id).value = ""; });
    $("min-cited").value = "0";
    document.querySelectorAll("#legend input").forEach(function (box) { box.checked = true; });
    refresh();
  }

  function findNode(query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var tests = [
      function (n) { return n.name.toLowerCase() === q || n.id.toLowerCase() === q; },
      function (n) { return n.name.toLowerCase().indexOf(q) === 0; },
      function (n) { return n.name.toLowerCase().indexOf(q) >= 0; }
    ];
    for (var i = 0; i < tests.length; i += 1) {
      var hits = data.nodes.filter(tests[i]);
      if (hits.length) {
        hits.sort(function (a, b) { return b.cited - a.cited || (a.id < b.id ? -1 : 1); });
        return hits[0].id;
      }
    }
    return null;
  }

  $("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var query = $("search").value;
    var id = findNode(query);
    if (id) { selectNode(id); showStatus(); }
    else $("status").textContent = "No node matches \u201c" + query + "\u201d";
  });
  $("reset").addEventListener("click", resetFilters);
  bindInput("publisher", "publisher", String);
  bindInput("cited-outlet", "outlet", String);
  bindInput("date-from", "from", String);
  bindInput("date-to", "to", String);
  bindInput("min-cited", "minCited", function (v) { return Math.max(0, parseInt(v, 10) || 0); });

  if (meta.hidden_nodes > 0) {
    var note = $("size-note");
    note.textContent = "Showing the " + meta.shown_nodes + " most-cited of " + meta.total_nodes +
      " nodes; " + meta.hidden_nodes + " are hidden. To see more, rebuild with: citegraph build --max-nodes " +
      meta.total_nodes;
    note.hidden = false;
  }
  buildLegend();
  buildMenus();
  showStatus();
}());
