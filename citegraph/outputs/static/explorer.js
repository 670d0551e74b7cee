/* citegraph explorer. Every string from the graph is rendered with
 * textContent or as a form value; nothing here builds markup from data. */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }
  var data = JSON.parse($("citegraph-data").textContent);
  var parsedMs = performance.now();
  var meta = data.meta;
  var NODES = data.nodes;
  var EDGES = data.edges;
  var EVIDENCE = null;
  var STORIES = data.stories || {};
  var RELATIONS = data.relations.map(function (r) { return r.relation; });
  var REL_STYLE = {};
  data.relations.forEach(function (r) { REL_STYLE[r.relation] = r; });
  var KIND = {};
  data.kinds.forEach(function (k) { KIND[k.kind] = k; });
  var KIND_ORDER = ["outlet", "document", "person", "organization", "anonymous", "article"];
  var KIND_PLURAL = { article: "articles", outlet: "outlets", document: "documents", person: "people", organization: "organizations", anonymous: "anonymous sources" };
  var EMPTY = {};
  var fmt = new Intl.NumberFormat("en");
  function num(n) { return fmt.format(n); }

  /* ------------------------------------------------------------- index */

  var index = new Map();
  var outAdj = NODES.map(function () { return []; });
  var inAdj = NODES.map(function () { return []; });
  var publisherOf = new Int32Array(NODES.length).fill(-1);
  var PUBLISHED = RELATIONS.indexOf("published");
  var CITES = RELATIONS.indexOf("cites");
  /* For the filters: the articles and the other nodes apart, each node's date, and every edge
   * between an article and another node (the article, the other node, whether the article cites it). */
  var ARTICLES = [], SOURCES = [];
  var DATE = new Array(NODES.length);
  var isArticle = new Uint8Array(NODES.length);
  var LINKS = { article: new Int32Array(EDGES.length), other: new Int32Array(EDGES.length), cites: new Uint8Array(EDGES.length), length: 0 };
  NODES.forEach(function (n, i) {
    index.set(n.id, i);
    isArticle[i] = n.k === "article" ? 1 : 0;
    (isArticle[i] ? ARTICLES : SOURCES).push(i);
    DATE[i] = n.a && n.a.published ? String(n.a.published).slice(0, 10) : "";
  });
  EDGES.forEach(function (e, i) {
    outAdj[e[0]].push(i);
    inAdj[e[1]].push(i);
    if (e[2] === PUBLISHED) publisherOf[e[1]] = e[0];
    if (isArticle[e[0]] !== isArticle[e[1]]) {
      var from = isArticle[e[0]] === 1;
      LINKS.article[LINKS.length] = from ? e[0] : e[1];
      LINKS.other[LINKS.length] = from ? e[1] : e[0];
      LINKS.cites[LINKS.length] = from && e[2] === CITES ? 1 : 0;
      LINKS.length += 1;
    }
  });
  function rel(e) { return RELATIONS[EDGES[e][2]]; }
  function node(i) { return NODES[i]; }
  function attrs(i) { return NODES[i].a || EMPTY; }
  function cited(i) { return NODES[i].c.cited || 0; }
  function evidenceOf(e) {
    if (!EVIDENCE) EVIDENCE = JSON.parse($("citegraph-evidence").textContent);
    return EVIDENCE[e] || { q: [], e: [] };
  }
  function importance(i) {
    var c = NODES[i].c;
    return (c.cited || 0) + (c.published || 0) + (c.sources || 0) / 100;
  }
  function byImportance(a, b) {
    return importance(b) - importance(a) || (NODES[a].id < NODES[b].id ? -1 : 1);
  }
  /* Labels go first to the most-cited sources (what a reader looks for), then by importance. */
  function byCitedFirst(a, b) {
    return cited(b) - cited(a) || byImportance(a, b);
  }
  function byName(a, b) {
    var x = NODES[a].n.toLowerCase(), y = NODES[b].n.toLowerCase();
    return x < y ? -1 : x > y ? 1 : (NODES[a].id < NODES[b].id ? -1 : 1);
  }

  /* ------------------------------------------------------------- state */

  var DEFAULTS = { view: meta.default_view, node: "", origin: "", depth: 1, from: "", to: "", undated: false,
                   publisher: "", min: 0, hide: "" };
  var state = Object.assign({}, DEFAULTS);
  window.citegraphState = { ready: false, readyMs: null, parsedMs: parsedMs, networkMs: null, drawn: 0,
                            view: null, seq: 0, lastUpdateMs: null };

  function parseHash() {
    var s = Object.assign({}, DEFAULTS);
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    params.forEach(function (value, key) {
      if (!(key in DEFAULTS)) return;
      if (key === "depth") s.depth = Math.min(4, Math.max(1, parseInt(value, 10) || 1));
      else if (key === "min") s.min = Math.max(0, parseInt(value, 10) || 0);
      else if (key === "undated") s.undated = value === "1";
      else s[key] = value;
    });
    if (["overview", "documents", "story", "full"].indexOf(s.view) < 0) s.view = DEFAULTS.view;
    if (s.view === "story" && !index.has(s.origin)) s.view = DEFAULTS.view;
    if (s.node && !index.has(s.node)) s.node = "";
    return s;
  }

  function hashOf(s) {
    var params = new URLSearchParams();
    Object.keys(DEFAULTS).forEach(function (key) {
      if (s[key] === DEFAULTS[key]) return;
      if (key === "origin" && s.view !== "story") return;
      if (key === "depth" && s.view !== "story") return;
      params.set(key, key === "undated" ? (s[key] ? "1" : "0") : String(s[key]));
    });
    return params.toString();
  }

  /* go: change the state, draw it, and record it in the URL (a new history entry unless `replace`). */
  function go(changes, replace) {
    Object.assign(state, changes);
    record(replace);
    render();
  }

  function record(replace) {
    var hash = hashOf(state);
    if (hash !== location.hash.replace(/^#/, "")) {
      var url = location.href.split("#")[0] + (hash ? "#" + hash : "");
      if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
    }
  }

  window.addEventListener("popstate", function () { state = parseHash(); syncControls(); render(); });
  window.addEventListener("hashchange", function () {
    var s = parseHash();
    if (hashOf(s) !== hashOf(state)) { state = s; syncControls(); render(); }
  });

  /* ----------------------------------------------------------- filters */

  var hidden = function () { return new Set(state.hide ? state.hide.split(",") : []); };

  function dateOf(i) { return DATE[i]; }

  function articleFilterActive() {
    return Boolean(state.from || state.to || state.publisher);
  }

  function reversed() { return Boolean(state.from && state.to && state.from > state.to); }

  var filterCache = { key: null, value: null };

  /* Which nodes pass the filters, and each source's citing articles among the passing ones
   * (metrics.json's rule: an outlet's own articles are left out). */
  function filters() {
    var key = [state.from, state.to, state.undated, state.publisher, state.min, state.hide].join("|");
    if (filterCache.key === key) return filterCache.value;
    var pass = new Uint8Array(NODES.length);
    var count = new Int32Array(NODES.length);
    var hide = hidden();
    var active = articleFilterActive();
    var articles = 0, i, k;
    if (!reversed()) {
      for (k = 0; k < ARTICLES.length; k += 1) {
        i = ARTICLES[k];
        if (articlePasses(i)) { pass[i] = 1; articles += 1; }
      }
    }
    var linked = active ? linkedCounts(pass, count) : null;
    for (k = 0; k < SOURCES.length; k += 1) {
      i = SOURCES[k];
      var nd = NODES[i];
      if (!active) count[i] = nd.c.cited || 0;
      var ok = !hide.has(nd.k) && count[i] >= state.min;
      if (ok && active && count[i] === 0) ok = linked[i] > 0;
      pass[i] = ok ? 1 : 0;
    }
    if (hide.has("article")) ARTICLES.forEach(function (a) { pass[a] = 0; });
    filterCache = { key: key, value: { pass: pass, count: count, articles: articles, active: active } };
    return filterCache.value;
  }

  /* Whether article i passes the date and publisher filters. */
  function articlePasses(i) {
    var d = DATE[i];
    if (state.from || state.to) {
      if (!d) return state.undated;
      if (state.from && d < state.from) return false;
      if (state.to && d > state.to) return false;
    }
    if (state.publisher) {
      var p = publisherOf[i];
      if (state.publisher === "-") return p < 0;
      if (p < 0 || NODES[p].id !== state.publisher) return false;
    }
    return true;
  }

  /* The nodes linked to a passing article (1 each), and into `count` each source's citing passing
   * articles, but not its own (metrics.json's rule: an outlet's own articles are left out). */
  function linkedCounts(pass, count) {
    var linked = new Uint8Array(NODES.length);
    for (var k = 0; k < LINKS.length; k += 1) {
      var a = LINKS.article[k], o = LINKS.other[k];
      if (!pass[a]) continue;
      linked[o] = 1;
      if (LINKS.cites[k] && publisherOf[a] !== o) count[o] += 1;
    }
    return linked;
  }

  /* Why the filters hide node i (empty when they do not). */
  function whyHidden(i) {
    var why = [];
    var nd = NODES[i];
    if (hidden().has(nd.k)) why.push((KIND[nd.k] || { label: nd.k }).label + " nodes are switched off");
    if (nd.k === "article") {
      if (reversed()) why.push("the date range is reversed");
      else if (state.from || state.to) {
        var d = dateOf(i);
        if (!d && !state.undated) why.push("it is undated and undated articles are left out");
        else if (d && ((state.from && d < state.from) || (state.to && d > state.to))) why.push("its date " + d + " is outside the range");
      }
      if (state.publisher) {
        var p = publisherOf[i];
        if (state.publisher === "-" ? p >= 0 : (p < 0 || NODES[p].id !== state.publisher)) why.push("its publisher is not the one chosen");
      }
    } else if (!filters().pass[i] && !why.length) {
      why.push("it is cited by " + filters().count[i] + " article(s) within the filters, fewer than needed");
    }
    return why;
  }

  /* ------------------------------------------------------------- views */

  var VIEW_TITLES = { overview: "Overview: outlets", documents: "Documents", story: "Story", full: "Full graph" };
  var container = $("graph");
  var visNodes = new vis.DataSet([]);
  var visEdges = new vis.DataSet([]);
  var network = new vis.Network(container, { nodes: visNodes, edges: visEdges }, {});
  window.citegraphState.networkMs = performance.now();
  var current = { key: null, view: null, ids: [], hiddenIds: new Set(), labels: new Map(), shownLabels: new Set(), lifted: new Map(), story: null,
                  top: 1 };

  /* vis draws the whole canvas after each DataSet update and selection change (at once while physics
   * is off, and again at the next frame), and each update costs it a pass over every node and edge:
   * a filter change that hides nodes, re-chooses labels and re-selects drew the canvas five to eight
   * times. Inside drawOnce, node changes are queued (updateNodes) and handed to vis in one update,
   * vis's draws are held back (its own switch, which its stabilisation uses: not while a layout
   * runs), and the canvas is drawn once at the end if anything changed (`change` returns true for a
   * change of its own, such as the selection). */
  var stabilizing = false;
  var holding = 0;
  var queued = new Map();
  function updateNodes(items) {
    items.forEach(function (it) { queued.set(it.id, Object.assign(queued.get(it.id) || {}, it)); });
  }
  function flushNodes() {
    if (!queued.size) return false;
    var items = Array.from(queued.values());
    queued.clear();
    visNodes.update(items);
    return true;
  }
  function drawOnce(change) {
    if (holding) return change();
    if (stabilizing) { change(); flushNodes(); return; }
    var emitter = network.body.emitter;
    var changed = false;
    holding += 1;
    emitter.emit("_blockRedraw");
    try { changed = change(); changed = flushNodes() || changed; } finally { holding -= 1; emitter.emit("_allowRedraw"); }
    if (changed) network.redraw();
  }

  function storyItems(origin, depth) {
    var f = filters();
    var o = index.get(origin);
    var level = new Map([[o, 0]]);
    var parent = new Map();
    var rings = [[o]];
    var more = 0;
    var filtered = new Set();
    for (var d = 1; d <= depth; d += 1) {
      var found = [];
      var seen = new Set();
      rings[d - 1].forEach(function (i) {
        outAdj[i].concat(inAdj[i]).forEach(function (e) {
          var m = EDGES[e][0] === i ? EDGES[e][1] : EDGES[e][0];
          if (level.has(m) || seen.has(m)) return;
          if (!f.pass[m]) { filtered.add(m); return; }
          seen.add(m);
          parent.set(m, i);
          found.push(m);
        });
      });
      found.sort(byImportance);
      var taken = found.slice(0, meta.story_step);
      more += found.length - taken.length;
      taken.forEach(function (m) { level.set(m, d); });
      rings.push(taken);
      if (!taken.length) break;
    }
    var angle = new Map([[o, 0]]);
    var positions = new Map([[o, [0, 0]]]);
    for (var r = 1; r < rings.length; r += 1) {
      var ring = rings[r].slice().sort(function (a, b) {
        return (angle.get(parent.get(a)) - angle.get(parent.get(b))) || byImportance(a, b);
      });
      var radius = Math.max(230 * r, ring.length * 46 / (2 * Math.PI));
      ring.forEach(function (m, k) {
        var t = (2 * Math.PI * k) / ring.length + (r > 1 ? angle.get(parent.get(ring[0])) : -Math.PI / 2);
        angle.set(m, t);
        positions.set(m, [Math.round(radius * Math.cos(t)), Math.round(radius * Math.sin(t))]);
      });
    }
    var ids = Array.from(positions.keys());
    var inView = new Set(ids);
    var nodes = ids.map(function (i) {
      var nd = NODES[i];
      var style = KIND[nd.k] || KIND.other || { color: "#bab0ac", shape: "dot" };
      var size = nd.k === "article" ? 9 : Math.min(60, 12 + 5 * Math.sqrt(cited(i)));
      if (i === o) size = Math.max(size, 22);
      return { id: nd.id, label: shorten(nd.n, 40), shape: style.shape, color: style.color, size: size,
               x: positions.get(i)[0], y: positions.get(i)[1], borderWidth: i === o ? 4 : 1 };
    });
    var edges = [];
    ids.forEach(function (i) {
      outAdj[i].forEach(function (e) {
        if (!inView.has(EDGES[e][1])) return;
        var r = REL_STYLE[rel(e)] || REL_STYLE.cites;
        edges.push({ id: "s" + e, from: NODES[i].id, to: NODES[EDGES[e][1]].id, arrows: "to", dashes: r.dashes,
                     width: Math.min(8, 1 + 1.5 * Math.log2(Math.max(1, EDGES[e][3]))),
                     color: { color: r.color, highlight: "#1f2430" } });
      });
    });
    level.forEach(function (_, m) { filtered.delete(m); });
    return { nodes: nodes, edges: edges, more: more, filtered: filtered.size, rings: rings.map(function (x) { return x.length; }),
             options: storyOptions() };
  }

  function storyOptions() {
    var base = JSON.parse(JSON.stringify(data.views.overview.options));
    base.edges.smooth = false;
    return base;
  }

  function shorten(text, limit) {
    return text.length <= limit ? text : text.slice(0, limit - 1).replace(/\s+$/, "") + "\u2026";
  }

  function viewData(view) {
    if (view === "story") {
      current.story = storyItems(state.origin, state.depth);
      return current.story;
    }
    current.story = null;
    return data.views[view];
  }

  function viewKey() {
    if (state.view !== "story") return state.view;
    return ["story", state.origin, state.depth, state.from, state.to, state.undated, state.publisher, state.min, state.hide].join("|");
  }

  function drawView() {
    var key = viewKey();
    if (current.key === key) return false;
    var v = viewData(state.view);
    current.key = key;
    current.view = state.view;
    current.ids = v.nodes.map(function (n) { return n.id; });
    current.labels = new Map(v.nodes.map(function (n) { return [n.id, n.label]; }));
    current.top = v.nodes.reduce(function (m, n) { return Math.max(m, importance(index.get(n.id))); }, 1);
    current.hiddenIds = new Set();
    current.shownLabels = new Set(current.ids);
    current.lifted = new Map();
    boxes = new Map();
    window.citegraphState.ready = false;
    document.body.removeAttribute("data-ready");
    network.setOptions(v.options);
    visNodes = new vis.DataSet(v.nodes.map(function (n) {
      var copy = { id: n.id, label: n.label, shape: n.shape, color: n.color, size: n.size, x: n.x, y: n.y };
      if (n.font) copy.font = n.font;
      if (n.borderWidth) copy.borderWidth = n.borderWidth;
      var i = index.get(n.id);
      if (!filters().pass[i] && !exempt(i)) { copy.hidden = true; current.hiddenIds.add(n.id); }
      return copy;
    }));
    visEdges = new vis.DataSet(v.edges.map(function (e) {
      return { id: e.id, from: e.from, to: e.to, width: e.width, dashes: e.dashes, color: e.color, arrows: e.arrows };
    }));
    /* The status line and size note first: they take height from the graph, and vis rescales the view
     * when its height changes, which would leave the labels measured for another scale. */
    showStatus();
    network.setData({ nodes: visNodes, edges: visEdges });
    var done = function () {
      network.fit({ animation: false });
      network.once("afterDrawing", function () { placeLabels(markReady); });
      network.redraw();
    };
    stabilizing = Boolean(v.options.physics && v.options.physics.enabled);
    if (stabilizing) {
      network.once("stabilizationIterationsDone", function () {
        stabilizing = false;
        network.setOptions({ physics: { enabled: false } });
        done();
      });
    } else {
      done();
    }
    return true;
  }

  function exempt(i) {
    var id = NODES[i].id;
    return id === state.node || (state.view === "story" && id === state.origin);
  }

  /* Hide and show the view's nodes as the filters say (inside drawOnce). */
  function applyFilters() {
    var f = filters();
    var changes = [];
    current.ids.forEach(function (id) {
      var i = index.get(id);
      var hide = !(f.pass[i] || exempt(i));
      if (hide !== current.hiddenIds.has(id)) {
        if (hide) current.hiddenIds.add(id); else current.hiddenIds.delete(id);
        changes.push({ id: id, hidden: hide });
      }
    });
    updateNodes(changes);
    if (changes.length && window.citegraphState.ready) placeLabels();
  }

  function markReady() {
    var s = window.citegraphState;
    s.drawn = network.body.nodeIndices.length;
    s.view = current.view;
    s.seq += 1;
    if (!s.readyMs) s.readyMs = performance.now();
    s.ready = true;
    document.body.setAttribute("data-ready", "true");
    selectInGraph();
    showStatus();
  }

  function drawnVisible() {
    return current.ids.filter(function (id) { return !current.hiddenIds.has(id); });
  }

  /* Labels by importance, each kept only where it overlaps no label already kept; the font is sized
   * for the screen (so zooming in makes room for more) and by importance relative to the view's most
   * important node, drawn or not. vis measures each label as it draws it; the boxes are kept (canvas
   * coordinates) until the zoom or the node moves, so a filter change only re-chooses among them. */
  var placing = false;
  var boxes = new Map();

  /* 12 to 18 screen pixels by importance (relative to the view's top), in half-pixel steps: the
   * browser measures text in a new font size ten times slower than in one it has seen, and vis
   * measures every label whose size changes. */
  function labelPixels(share) {
    return Math.round(2 * (12 + 6 * Math.sqrt(Math.min(1, share)))) / 2;
  }
  function placeLabels(done) {
    if (placing) { if (done) network.once("afterDrawing", function () { placeLabels(done); }); return; }
    var scale = network.getScale() || 1;
    var ids = drawnVisible().map(function (id) { return index.get(id); }).sort(byCitedFirst);
    var measure = [];
    ids.forEach(function (i) {
      var id = NODES[i].id;
      var size = labelPixels(importance(i) / current.top) / scale;
      var known = boxes.get(id);
      if (current.labels.get(id) && (!known || Math.abs(known.size - size) > size * 0.01)) {
        measure.push({ id: id, label: current.labels.get(id), font: { size: size, vadjust: 0 } });
      }
    });
    if (!measure.length) { drawOnce(function () { chooseLabels(ids); }); if (done) done(); return; }
    placing = true;
    network.once("afterDrawing", function () {
      measure.forEach(function (m) {
        var body = network.body.nodes[m.id];
        var box = body && body.labelModule && body.labelModule.size;
        if (box) boxes.set(m.id, { size: m.font.size, rect: [box.left, box.top, box.left + box.width, box.top + box.height],
                                   nodeTop: body.y - body.shape.height / 2 });
        current.lifted.delete(m.id);
      });
      current.shownLabels = new Set(current.shownLabels);
      measure.forEach(function (m) { current.shownLabels.add(m.id); });
      drawOnce(function () { chooseLabels(ids); });
      placing = false;
      if (done) done();
    });
    /* Drawn at once, or with the rest of an enclosing drawOnce. */
    drawOnce(function () { updateNodes(measure); });
  }

  /* A label goes below its node, or above it where that clashes and above does not (vis draws it
   * shifted by font.vadjust; its measured box stays where it would be below). */
  function chooseLabels(ids) {
    var pad = 2 / (network.getScale() || 1);
    var kept = [];
    var shown = new Set();
    var lifted = new Map();
    function clashes(r) { return kept.some(function (k) { return r[0] < k[2] && k[0] < r[2] && r[1] < k[3] && k[1] < r[3]; }); }
    ids.forEach(function (i) {
      var id = NODES[i].id;
      var box = boxes.get(id);
      if (!box || !current.labels.get(id)) return;
      var r = [box.rect[0] - pad, box.rect[1] - pad, box.rect[2] + pad, box.rect[3] + pad];
      if (!clashes(r)) { kept.push(r); shown.add(id); return; }
      var height = box.rect[3] - box.rect[1];
      var top = box.nodeTop - 2 * pad - height;
      var above = [r[0], top - pad, r[2], top + height + pad];
      if (!clashes(above)) { kept.push(above); shown.add(id); lifted.set(id, top - box.rect[1]); }
    });
    var updates = [];
    current.ids.forEach(function (id) {
      var was = current.shownLabels.has(id), now = shown.has(id);
      var shift = lifted.get(id) || 0;
      if (was !== now || shift !== (current.lifted.get(id) || 0)) {
        updates.push({ id: id, label: now ? current.labels.get(id) : "", font: { vadjust: shift } });
      }
    });
    current.shownLabels = shown;
    current.lifted = lifted;
    updateNodes(updates);
  }

  network.on("dragEnd", function (p) {
    if (!p.nodes.length) return;
    p.nodes.forEach(function (id) { boxes.delete(id); });
    placeLabels();
  });

  var zoomTimer = null;
  network.on("zoom", function () {
    clearTimeout(zoomTimer);
    zoomTimer = setTimeout(function () { placeLabels(); }, 200);
  });

  /* --------------------------------------------------- hover: dim the rest */

  var dim = null;
  network.on("afterDrawing", function (ctx) {
    if (!dim) return;
    var canvas = ctx.canvas;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "rgba(255, 255, 255, 0.82)";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
    var body = network.body;
    dim.edges.forEach(function (id) { var e = body.edges[id]; if (e && e.connected) { e.draw(ctx); e.drawArrows(ctx); } });
    var labels = [];
    dim.nodes.forEach(function (id) {
      var n = body.nodes[id];
      if (!n || n.options.hidden) return;
      var drawn = n.draw(ctx);
      if (drawn && drawn.drawExternalLabel) labels.push(drawn.drawExternalLabel);
    });
    labels.forEach(function (f) { f(); });
  });

  function neighboursInView(id) {
    var edges = network.getConnectedEdges(id);
    var nodes = new Set([id]);
    network.getConnectedNodes(id).forEach(function (m) { nodes.add(m); });
    return { nodes: Array.from(nodes), edges: edges };
  }

  /* ---------------------------------------------------------- tooltip */

  var tooltip = $("tooltip");
  network.on("hoverNode", function (p) {
    var t = performance.now();
    dim = neighboursInView(p.node);
    network.redraw();
    network.once("afterDrawing", function () { window.citegraphState.lastUpdateMs = performance.now() - t; });
    var i = index.get(p.node);
    tooltip.replaceChildren(el("strong", NODES[i].n));
    tooltip.appendChild(el("div", summaryLine(i)));
    var box = container.getBoundingClientRect();
    tooltip.style.left = Math.round(Math.min(box.left + p.pointer.DOM.x + 14, window.innerWidth - 240)) + "px";
    tooltip.style.top = Math.round(box.top + p.pointer.DOM.y + 14) + "px";
    tooltip.hidden = false;
  });
  function undim() { tooltip.hidden = true; if (dim) { dim = null; network.redraw(); } }
  network.on("blurNode", undim);
  container.addEventListener("mouseleave", undim);
  network.on("dragStart", function () { tooltip.hidden = true; });
  network.on("click", function (p) {
    if (p.nodes.length) go({ node: p.nodes[0] });
  });
  network.on("doubleClick", function (p) {
    if (p.nodes.length) go({ view: "story", origin: p.nodes[0], node: p.nodes[0] });
  });

  function summaryLine(i) {
    var nd = NODES[i];
    var line = (KIND[nd.k] || { label: nd.k }).label;
    if (nd.k === "article") {
      var bits = [publisherOf[i] >= 0 ? NODES[publisherOf[i]].n : "", attrs(i).published].filter(Boolean);
      bits.push("cites " + num(nd.c.sources || 0) + " source(s)");
      return line + " \u00b7 " + bits.join(" \u00b7 ");
    }
    line += " \u00b7 cited by " + num(cited(i)) + " article(s)";
    if (nd.c.published) line += " \u00b7 published " + num(nd.c.published);
    return line;
  }

  /* ------------------------------------------------------------ render */

  function render() {
    var t = performance.now();
    $("empty").hidden = true;
    updateViewButtons();
    var steps = {};
    var lap = function (name) { var now = performance.now(); steps[name] = now - t; return now; };
    filters();
    lap("filters");
    var redrawn = drawView();
    if (!redrawn) {
      drawOnce(function () {
        applyFilters();
        return selectInGraph();
      });
    }
    lap("graph");
    showDetails();
    lap("details");
    showStatus();
    showDateMessage();
    highlightHistogram();
    lap("rest");
    window.citegraphState.steps = steps;
    window.citegraphState.lastUpdateMs = performance.now() - t;
  }

  /* Select the chosen node where it is drawn (bringing it into view), else none; true when the canvas changed. */
  function selectInGraph() {
    var want = state.node && current.ids.indexOf(state.node) >= 0 && !current.hiddenIds.has(state.node) ? state.node : null;
    var have = network.getSelectedNodes();
    var changed = have.length !== (want ? 1 : 0) || (want && have[0] !== want);
    if (changed) {
      if (want) network.selectNodes([want]); else network.unselectAll();
    }
    if (want && !insideView(want)) {
      network.focus(want, { scale: Math.max(network.getScale(), 0.8), animation: false });
      changed = true;
    }
    return Boolean(changed);
  }

  function insideView(id) {
    var p = network.getPositions([id])[id];
    if (!p) return false;
    var d = network.canvasToDOM(p);
    return d.x > 20 && d.y > 20 && d.x < container.clientWidth - 20 && d.y < container.clientHeight - 20;
  }

  function updateViewButtons() {
    document.querySelectorAll("#views button").forEach(function (b) {
      var v = b.getAttribute("data-view");
      b.setAttribute("aria-pressed", String(v === state.view));
      b.disabled = v === "story" && !state.origin && !state.node;
    });
    $("depth-control").hidden = state.view !== "story";
    $("depth-value").textContent = "Depth " + state.depth;
    $("community-section").hidden = state.view !== "overview";
  }

  function showStatus() {
    var f = filters();
    var drawnCount = drawnVisible().length;
    var text = VIEW_TITLES[state.view];
    if (state.view === "story" && index.has(state.origin)) text += ": " + NODES[index.get(state.origin)].n;
    text += " \u00b7 " + num(drawnCount) + " of " + num(current.ids.length) + " drawn";
    if (current.hiddenIds.size) text += " (" + num(current.hiddenIds.size) + " hidden by the filters)";
    text += " \u00b7 collection: " + num(meta.articles) + " articles, " + num(meta.total_nodes) + " nodes";
    var cov = meta.coverage || {};
    if (cov.articles !== undefined) {
      text += " \u00b7 publisher known for " + num(cov.with_publisher) + ", date for " + num(cov.with_date);
    }
    if (f.active || state.hide || state.min) text += " \u00b7 " + num(f.articles) + " articles within the filters";
    $("status").textContent = text;
    $("view-title").textContent = VIEW_TITLES[state.view];
    sizeNote();
    var empty = $("empty");
    if (window.citegraphState.ready || current.ids.length) {
      if (drawnCount === 0) {
        empty.textContent = reversed()
          ? "Nothing to show: the start date " + state.from + " is after the end date " + state.to + ". Swap them or clear one."
          : "No node of this view passes the filters. Loosen them, or reset them (Reset filters).";
        empty.hidden = false;
      } else {
        empty.hidden = true;
      }
    }
  }

  /* The folder this page was opened from: the build's --out. */
  function pageFolder() {
    var path = decodeURIComponent(location.pathname).replace(/\/[^\/]*$/, "");
    return path || ".";
  }

  function shellWord(word) {
    return /^[\w@%+=:,.\/-]+$/.test(word) ? word : "'" + word.replace(/'/g, "'\"'\"'") + "'";
  }

  function sizeNote() {
    var note = $("size-note");
    var text = "";
    if (state.view === "full" && meta.full_shown < meta.total_nodes) {
      var cmd = (meta.command || "citegraph build INPUTS") + " --out " + shellWord(pageFolder()) + " --max-nodes " + meta.total_nodes;
      text = "The full graph draws the " + num(meta.full_shown) + " most-cited of " + num(meta.total_nodes) +
        " nodes (" + num(meta.total_nodes - meta.full_shown) + " not drawn; search finds every one). To draw them all: " + cmd;
    } else if (state.view === "overview" && data.views.overview.nodes.length < data.views.overview.total) {
      text = "The overview draws the " + num(data.views.overview.nodes.length) + " outlets linked to another outlet (" +
        "by their articles citing it, or by being cited together); the other " +
        num(data.views.overview.total - data.views.overview.nodes.length) + " of " + num(data.views.overview.total) +
        " outlets are found by search.";
    } else if (state.view === "documents" && data.views.documents.documents < data.views.documents.total) {
      text = "The documents view draws the " + num(data.views.documents.documents) + " most-cited of " +
        num(data.views.documents.total) + " documents with the outlets and articles behind them; search finds the others.";
    } else if (state.view === "story" && current.story && (current.story.more || current.story.filtered)) {
      var parts = [];
      if (current.story.more) parts.push(num(current.story.more) + " less-cited neighbours (at most " + meta.story_step + " per step; the details panel lists them all)");
      if (current.story.filtered) parts.push(num(current.story.filtered) + " neighbours hidden by the filters");
      text = "This story view leaves out " + parts.join(" and ") + ".";
    }
    note.textContent = text;
    note.hidden = !text;
  }

  /* ----------------------------------------------------------- details */

  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  function button(text, onClick, className) {
    var b = el("button", text, className);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function nodeButton(i) {
    return button(NODES[i].n, function () { choose(NODES[i].id); }, "link");
  }

  function safeLink(url, href, text) {
    var ok = null;
    try {
      var u = new URL(href || "");
      if (u.protocol === "http:" || u.protocol === "https:") ok = u.href;
    } catch (err) { ok = null; }
    if (!ok) return el("span", text || url);
    var a = el("a", text || url);
    a.href = ok;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  }

  var FIELDS = {
    article: [["title", "Title"], ["published", "Published"], ["byline", "Byline"]],
    outlet: [["outlet_kind", "Kind"], ["country", "Country"], ["known", "In gazetteer"], ["discovered", "Discovered in text"], ["domains", "Domains"]],
    document: [["doc_type", "Type"], ["issuer", "Issuer"], ["date", "Date"]]
  };

  function fieldText(value) {
    if (Array.isArray(value)) return value.join(", ");
    if (value === true) return "yes";
    if (value === false) return "no";
    return String(value);
  }

  function attributeList(i) {
    var nd = NODES[i];
    var dl = el("dl");
    var add = function (term, value) {
      dl.appendChild(el("dt", term));
      var dd = el("dd");
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
      dl.appendChild(dd);
    };
    if (nd.k === "article") {
      add("Publisher", publisherOf[i] >= 0 ? nodeButton(publisherOf[i]) : (attrs(i).publisher || "unknown"));
    }
    (FIELDS[nd.k] || []).forEach(function (f) {
      var value = attrs(i)[f[0]];
      if (value === undefined || value === null || value === "") return;
      add(f[1], fieldText(value));
    });
    if (nd.k === "document" && attrs(i).via) add("Via", attrs(i).via);
    if (attrs(i).url) add("Original", safeLink(attrs(i).url, attrs(i).href));
    if (nd.s && nd.s.length) add("Also known as", nd.s.join(", "));
    if (nd.g !== undefined) add("Community", "Outlet group " + (nd.g + 1));
    return dl;
  }

  function evidenceBox(e, articleIndex) {
    var box = el("div", null, "evidence");
    var ev = evidenceOf(e);
    if (ev.cut) {
      var kept = meta.evidence || {};
      box.appendChild(el("p", "This page carries the evidence of the most-cited sources only (" + num(kept.kept) +
        " of " + num(kept.total) + " sentences); this citation's sentences are in citations.jsonl beside the page.", "muted"));
      return box;
    }
    if (ev.q && ev.q.length) box.appendChild(el("p", "cue: " + ev.q.join(", "), "cue"));
    (ev.e || []).forEach(function (item) {
      var q = el("blockquote", item.t);
      box.appendChild(q);
      if (item.u || item.a) {
        var p = el("p", null, "link-evidence");
        p.appendChild(el("span", "link" + (item.a ? " \u201c" + item.a + "\u201d" : "") + " \u2192 "));
        p.appendChild(safeLink(item.u || "", item.h, item.u || ""));
        box.appendChild(p);
      }
    });
    if (articleIndex !== undefined) {
      var src = el("p", "in ", "source-line");
      src.appendChild(el("cite", NODES[articleIndex].n));
      if (attrs(articleIndex).url) { src.appendChild(document.createTextNode(" \u00b7 ")); src.appendChild(safeLink(attrs(articleIndex).url, attrs(articleIndex).href, "original")); }
      box.appendChild(src);
    }
    return box;
  }

  var LIST_STEP = 30;

  /* A named relation's list: its items sorted, the filters applied to articles, long lists in steps. */
  function relationSection(title, total, items, render) {
    var section = el("section", null, "edges");
    var f = filters();
    var kept = items.filter(function (it) { return NODES[it.other].k !== "article" || f.pass[it.other] || !(f.active || state.hide); });
    var heading = title + " (" + num(total) + ")";
    section.appendChild(el("h3", heading));
    if (kept.length < items.length) {
      section.appendChild(el("p", num(items.length - kept.length) + " of these are hidden by the filters; " + num(kept.length) + " shown.", "muted filtered-note"));
    }
    var ul = el("ul");
    section.appendChild(ul);
    var shown = 0;
    var more = button("", function () { step(); });
    function step() {
      kept.slice(shown, shown + LIST_STEP).forEach(function (it) { ul.appendChild(render(it)); });
      shown = Math.min(kept.length, shown + LIST_STEP);
      more.textContent = "Show " + Math.min(LIST_STEP, kept.length - shown) + " more of " + num(kept.length - shown);
      more.hidden = shown >= kept.length;
    }
    step();
    section.appendChild(more);
    return section;
  }

  function itemLine(it, withEvidence, evidenceArticle) {
    var li = el("li");
    li.appendChild(nodeButton(it.other));
    var o = NODES[it.other];
    if (o.k === "article") {
      var bits = [publisherOf[it.other] >= 0 ? NODES[publisherOf[it.other]].n : "", attrs(it.other).published].filter(Boolean);
      if (bits.length) li.appendChild(el("span", " " + bits.join(", "), "muted"));
    } else if (o.k !== "anonymous") {
      li.appendChild(el("span", " cited by " + num(cited(it.other)), "muted"));
    }
    if (it.own) li.appendChild(el("span", " (its own article: not counted)", "muted"));
    if (EDGES[it.edge][3] > 1) li.appendChild(el("span", " \u00d7" + EDGES[it.edge][3], "muted"));
    if (withEvidence) li.appendChild(evidenceBox(it.edge, evidenceArticle ? it.other : undefined));
    return li;
  }

  function related(i, relation, outgoing) {
    var list = (outgoing ? outAdj[i] : inAdj[i]).filter(function (e) { return rel(e) === relation; });
    return list.map(function (e) {
      var other = outgoing ? EDGES[e][1] : EDGES[e][0];
      return { edge: e, other: other, own: relation === "cites" && !outgoing && publisherOf[other] === i };
    });
  }

  function sortItems(items, how) {
    return items.sort(function (a, b) { return how(a.other, b.other); });
  }

  function showDetails() {
    var panel = $("details");
    panel.replaceChildren();
    if (!state.node || !index.has(state.node)) {
      panel.appendChild(el("p", "Hover a node for a summary; click it, or find it above, for details and evidence. Double-click a node for its story.", "hint"));
      return;
    }
    var i = index.get(state.node);
    var nd = NODES[i];
    panel.appendChild(el("h2", nd.n, "name"));
    panel.appendChild(el("p", summaryLine(i), "kind"));
    var why = filters().pass[i] ? [] : whyHidden(i);
    if (why.length) panel.appendChild(el("p", "Shown although the filters hide it: " + why.join("; ") + ".", "warning hidden-why"));
    if (nd.k !== "article" && nd.c.own) {
      panel.appendChild(el("p", "Cited by " + num(cited(i)) + " article(s) of other publishers; its own " + num(nd.c.own) +
        " citing article(s) are not counted (as in metrics.json).", "muted"));
    }
    panel.appendChild(attributeList(i));
    var actions = el("p", null, "actions");
    if (!(state.view === "story" && state.origin === nd.id)) {
      actions.appendChild(button("Story of this " + (KIND[nd.k] || { label: "node" }).label.toLowerCase(), function () {
        go({ view: "story", origin: nd.id, node: nd.id, depth: 1 });
      }));
    }
    panel.appendChild(actions);
    if (nd.k === "article") storyCard(panel, i);
    else sourceSections(panel, i);
  }

  function sourceSections(panel, i) {
    var nd = NODES[i];
    var citing = sortItems(related(i, "cites", false), byDate);
    if (citing.length) {
      panel.appendChild(relationSection("Cited by articles", cited(i) + (nd.c.own || 0), citing, function (it) { return itemLine(it, true, true); }));
    }
    var published = sortItems(related(i, "published", true), byDate);
    if (published.length) panel.appendChild(relationSection("Published articles", published.length, published, function (it) { return itemLine(it, false); }));
    [["via", true, "Obtained via"], ["issued_by", true, "Issued by"], ["via", false, "Documents obtained via this outlet"],
     ["issued_by", false, "Documents it issued"]].forEach(function (spec) {
      var items = sortItems(related(i, spec[0], spec[1]), byName);
      if (items.length) panel.appendChild(relationSection(spec[2], items.length, items, function (it) { return itemLine(it, false); }));
    });
    if (nd.k === "document") earliestCiting(panel, i);
  }

  function byDate(a, b) {
    var x = dateOf(a) || "9999", y = dateOf(b) || "9999";
    return x < y ? -1 : x > y ? 1 : byName(a, b);
  }

  function earliestCiting(panel, doc) {
    var dated = related(doc, "cites", false).map(function (it) { return it.other; }).filter(dateOf).sort(byDate);
    var p = el("p", null, "earliest");
    if (dated.length) {
      p.appendChild(el("span", "Earliest dated article citing it: "));
      p.appendChild(nodeButton(dated[0]));
      p.appendChild(el("span", " (" + dateOf(dated[0]) + ")", "muted"));
    } else {
      p.textContent = "No dated article cites it.";
    }
    panel.appendChild(p);
  }

  /* The story card of an article: its sources by kind with evidence, the anonymous share, the
   * single-source flag, its documents with their `via`, and one step back. */
  function storyCard(panel, i) {
    var nd = NODES[i];
    var story = STORIES[nd.id.slice(8)] || {};
    var sources = related(i, "cites", true);
    var flags = nd.f || {};
    var card = el("section", null, "story-card");
    card.appendChild(el("h3", "Provenance"));
    var facts = el("ul", null, "facts");
    // External sources, as the report and `citegraph story` count them: not the article's own publisher,
    // and a document that came through an outlet the article also cites counts as that outlet.
    var own = publisherOf[i];
    var cited = new Set(sources.map(function (it) { return it.other; }));
    var external = sources.filter(function (it) {
      if (it.other === own) return false;
      if (NODES[it.other].k !== "document") return true;
      return !related(it.other, "via", true).some(function (v) { return cited.has(v.other); });
    });
    var anon = external.filter(function (it) { return NODES[it.other].k === "anonymous"; }).length;
    var share = story.anonymous_share !== undefined ? Number(story.anonymous_share) : (external.length ? anon / external.length : 0);
    facts.appendChild(el("li", num(external.length) + " external source(s) of " + num(sources.length) + " cited; anonymous: " +
      num(anon) + " (" + Math.round(share * 100) + "%)"));
    if (flags.single && index.has(flags.single)) {
      var li = el("li", "Single-source: it rests on one external source, ", "warning");
      li.appendChild(nodeButton(index.get(flags.single)));
      facts.appendChild(li);
    } else if (flags.unsourced) {
      facts.appendChild(el("li", "It cites no external source.", "warning"));
    }
    Object.keys(story).sort().forEach(function (key) {
      var value = story[key];
      if (key === "anonymous_share" || value === null || typeof value === "object") return;
      facts.appendChild(el("li", key.replace(/_/g, " ") + ": " + fieldText(value)));
    });
    card.appendChild(facts);
    panel.appendChild(card);
    KIND_ORDER.forEach(function (kind) {
      var items = sortItems(sources.filter(function (it) { return NODES[it.other].k === kind; }), byImportance);
      if (!items.length) return;
      panel.appendChild(relationSection("Cites " + (KIND_PLURAL[kind] || kind), items.length, items, function (it) {
        var line = itemLine(it, true, false);
        if (kind === "document") documentOrigin(line, it.other);
        return line;
      }));
    });
    oneStepBack(panel, i, sources);
  }

  function documentOrigin(li, doc) {
    var vias = related(doc, "via", true);
    var issuers = related(doc, "issued_by", true);
    var p = el("p", null, "muted");
    if (vias.length) { p.appendChild(el("span", "obtained via ")); vias.forEach(function (it) { p.appendChild(nodeButton(it.other)); p.appendChild(el("span", " ")); }); }
    if (issuers.length) { p.appendChild(el("span", "issued by ")); issuers.forEach(function (it) { p.appendChild(nodeButton(it.other)); p.appendChild(el("span", " ")); }); }
    var dated = related(doc, "cites", false).map(function (it) { return it.other; }).filter(dateOf).sort(byDate);
    if (dated.length) {
      p.appendChild(el("span", "earliest citing article: "));
      p.appendChild(nodeButton(dated[0]));
      p.appendChild(el("span", " (" + dateOf(dated[0]) + ")"));
    }
    if (p.childNodes.length) li.insertBefore(p, li.childNodes[1] || null);
  }

  function oneStepBack(panel, i, sources) {
    var outlets = sources.filter(function (it) { return NODES[it.other].k === "outlet" && it.other !== publisherOf[i]; });
    if (!outlets.length) return;
    var section = el("section", null, "edges one-step-back");
    section.appendChild(el("h3", "One step back: what the cited outlets' own articles cite"));
    var ul = el("ul");
    outlets.forEach(function (it) {
      var o = it.other;
      var li = el("li");
      li.appendChild(nodeButton(o));
      var own = related(o, "published", true).map(function (x) { return x.other; });
      var tally = new Map();
      own.forEach(function (a) {
        related(a, "cites", true).forEach(function (x) { if (x.other !== o) tally.set(x.other, (tally.get(x.other) || 0) + 1); });
      });
      if (!own.length) {
        li.appendChild(el("span", ": none of its articles is in the collection", "muted"));
      } else {
        var top = Array.from(tally.keys()).sort(function (a, b) { return tally.get(b) - tally.get(a) || byName(a, b); }).slice(0, 5);
        li.appendChild(el("span", ": its " + num(own.length) + " article(s) here cite " + (top.length ? "" : "nothing"), "muted"));
        top.forEach(function (s, k) {
          if (k) li.appendChild(el("span", ", "));
          li.appendChild(nodeButton(s));
          li.appendChild(el("span", " (" + tally.get(s) + ")", "muted"));
        });
      }
      ul.appendChild(li);
    });
    section.appendChild(ul);
    panel.appendChild(section);
  }

  /* ------------------------------------------------------------ choose */

  /* Select a node; one the current view does not draw opens its story (the filters stay). */
  function choose(id) {
    if (!index.has(id)) return false;
    if (current.ids.indexOf(id) >= 0 && (filters().pass[index.get(id)])) {
      go({ node: id });
    } else {
      go({ view: "story", origin: id, node: id, depth: 1 });
    }
    return true;
  }

  /* ------------------------------------------------------------ search */

  var HAY = NODES.map(function (n) { return n.n.toLowerCase(); });
  var ALIAS = NODES.map(function (n) { return n.s ? n.s.map(function (s) { return s.toLowerCase(); }) : null; });

  function matchScore(i, q) {
    var name = HAY[i];
    if (name === q) return 0;
    var aliases = ALIAS[i];
    if (aliases && aliases.indexOf(q) >= 0) return 1;
    if (name.indexOf(q) === 0) return 2;
    if (aliases && aliases.some(function (a) { return a.indexOf(q) === 0; })) return 3;
    var at = name.indexOf(q);
    if (at > 0 && /[\s\-'"\u2019(.,:;/]/.test(name.charAt(at - 1))) return 4;
    if (at > 0) return 5;
    if (NODES[i].id.toLowerCase().indexOf(q) >= 0) return 6;
    return -1;
  }

  /* Matches by quality (whole name, alias, start of the name, start of a word, anywhere, the id); an
   * article's title ranks below a source's name of the same quality, so "blinken" finds the person. */
  function search(query) {
    var q = query.trim().toLowerCase().replace(/\s+/g, " ");
    if (!q) return [];
    var hits = [];
    for (var i = 0; i < NODES.length; i += 1) {
      var s = matchScore(i, q);
      if (s >= 0) hits.push([NODES[i].k === "article" ? s + 3 : s, i]);
    }
    hits.sort(function (a, b) {
      return a[0] - b[0] || KIND_ORDER.indexOf(NODES[a[1]].k) - KIND_ORDER.indexOf(NODES[b[1]].k) || byImportance(a[1], b[1]);
    });
    return { total: hits.length, items: hits.slice(0, 60).map(function (h) { return h[1]; }) };
  }

  var results = $("results");
  var active = -1;
  var options = [];

  function showResults(query) {
    var found = search(query);
    results.replaceChildren();
    options = [];
    active = -1;
    if (!query.trim()) { closeResults(); return; }
    if (!found.total) {
      results.appendChild(el("li", "No node matches \u201c" + query.trim() + "\u201d", "none"));
    } else {
      var groups = new Map();
      found.items.forEach(function (i) { if (!groups.has(NODES[i].k)) groups.set(NODES[i].k, []); groups.get(NODES[i].k).push(i); });
      groups.forEach(function (list, kind) {
        var head = el("li", (KIND[kind] || { label: kind }).label + " (" + list.length + ")", "group");
        head.setAttribute("role", "presentation");
        results.appendChild(head);
        list.forEach(function (i) {
          var li = el("li", null, "option");
          li.id = "result-" + options.length;
          li.setAttribute("role", "option");
          li.setAttribute("data-node", NODES[i].id);
          li.appendChild(el("span", NODES[i].n, "option-name"));
          var drawn = current.ids.indexOf(NODES[i].id) >= 0 && filters().pass[i];
          li.appendChild(el("span", " " + summaryLine(i).replace(/^[^\u00b7]*\u00b7 ?/, "") + (drawn ? "" : " \u00b7 not drawn here"), "muted"));
          li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
          results.appendChild(li);
          options.push(i);
        });
      });
      if (found.total > found.items.length) results.appendChild(el("li", num(found.total - found.items.length) + " more: type more letters", "none"));
    }
    results.hidden = false;
    $("search").setAttribute("aria-expanded", "true");
  }

  function closeResults() {
    results.hidden = true;
    $("search").setAttribute("aria-expanded", "false");
    $("search").removeAttribute("aria-activedescendant");
  }

  function setActive(k) {
    if (!options.length) return;
    active = (k + options.length) % options.length;
    results.querySelectorAll(".option").forEach(function (li, n) { li.setAttribute("aria-selected", String(n === active)); });
    var li = $("result-" + active);
    $("search").setAttribute("aria-activedescendant", li.id);
    li.scrollIntoView({ block: "nearest" });
  }

  function pick(i) {
    closeResults();
    choose(NODES[i].id);
  }

  var searchTimer = null;
  $("search").addEventListener("input", function () {
    clearTimeout(searchTimer);
    var value = $("search").value;
    searchTimer = setTimeout(function () { showResults(value); }, 60);
  });
  $("search").addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); if (results.hidden) showResults($("search").value); setActive(active + 1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); setActive(active - 1); }
    else if (ev.key === "Escape") { closeResults(); }
  });
  $("search").addEventListener("blur", function () { setTimeout(closeResults, 150); });
  $("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(searchTimer);
    if (results.hidden || !options.length) showResults($("search").value);
    if (options.length) pick(options[Math.max(0, active)]);
  });

  /* ---------------------------------------------------------- keyboard */

  container.addEventListener("keydown", function (ev) {
    var ids = drawnVisible().map(function (id) { return index.get(id); }).sort(byImportance).map(function (i) { return NODES[i].id; });
    if (!ids.length) return;
    var at = ids.indexOf(state.node);
    if (ev.key === "ArrowRight" || ev.key === "ArrowDown") { ev.preventDefault(); go({ node: ids[(at + 1) % ids.length] }, true); }
    else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") { ev.preventDefault(); go({ node: ids[(at - 1 + ids.length) % ids.length] }, true); }
    else if (ev.key === "Enter" && state.node) { ev.preventDefault(); go({ view: "story", origin: state.node, depth: 1 }); }
    else if (ev.key === "Escape") { go({ node: "" }); }
  });

  /* ---------------------------------------------------------- controls */

  document.querySelectorAll("#views button").forEach(function (b) {
    b.addEventListener("click", function () {
      var v = b.getAttribute("data-view");
      if (v === "story") go({ view: "story", origin: state.origin || state.node });
      else go({ view: v });
    });
  });
  $("depth-less").addEventListener("click", function () { if (state.depth > 1) go({ depth: state.depth - 1 }); });
  $("depth-more").addEventListener("click", function () { if (state.depth < 4) go({ depth: state.depth + 1 }); });
  $("toggle-filters").addEventListener("click", function () {
    var open = $("filters").classList.toggle("closed") === false;
    $("toggle-filters").setAttribute("aria-expanded", String(open));
  });

  /* A control draws each value as it is input, and records the settled one (`change`) in the URL,
   * drawing it again only if `input` has not. */
  function bind(id, key, parse) {
    var input = $(id);
    input.addEventListener("input", function () { state[key] = parse(input); render(); });
    input.addEventListener("change", function () {
      var value = parse(input);
      if (value === state[key]) record(); else go({ [key]: value });
    });
  }
  bind("date-from", "from", function (x) { return x.value; });
  bind("date-to", "to", function (x) { return x.value; });
  bind("publisher", "publisher", function (x) { return x.value; });
  bind("min-cited", "min", function (x) { return Math.max(0, parseInt(x.value, 10) || 0); });
  bind("undated", "undated", function (x) { return x.checked; });
  $("reset").addEventListener("click", function () {
    go({ from: "", to: "", undated: false, publisher: "", min: 0, hide: "" });
    syncControls();
  });

  function syncControls() {
    $("date-from").value = state.from;
    $("date-to").value = state.to;
    $("publisher").value = state.publisher;
    $("min-cited").value = String(state.min);
    $("undated").checked = state.undated;
    var hide = hidden();
    document.querySelectorAll("#legend input").forEach(function (box) { box.checked = !hide.has(box.value); });
  }

  function showDateMessage() {
    var box = $("date-message");
    box.replaceChildren();
    if (reversed()) {
      box.appendChild(el("span", "The start date is after the end date: no article can match. "));
      box.appendChild(button("Swap them", function () { go({ from: state.to, to: state.from }); syncControls(); }));
      box.hidden = false;
    } else if ((state.from || state.to) && meta.undated) {
      box.textContent = state.undated
        ? num(meta.undated) + " undated articles are kept beside the range."
        : num(meta.undated) + " undated articles are left out by the date range (tick the box to keep them).";
      box.hidden = false;
    } else {
      box.hidden = true;
    }
  }

  /* ---------------------------------------------------- legend, menus */

  function swatch(kind) {
    var s = el("span", null, "swatch swatch-" + kind.shape);
    s.style.backgroundColor = kind.color;
    return s;
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
        var hide = hidden();
        if (box.checked) hide.delete(k.kind); else hide.add(k.kind);
        go({ hide: Array.from(hide).sort().join(",") });
      });
      label.appendChild(box);
      label.appendChild(swatch(k));
      label.appendChild(el("span", k.label + " (" + num(k.count) + ")"));
      li.appendChild(label);
      ul.appendChild(li);
    });
    var rels = $("relations");
    data.relations.forEach(function (r) {
      var li = el("li");
      var line = el("span", null, "line-swatch");
      line.style.borderTopColor = r.color;
      line.style.borderTopStyle = r.dashes ? (r.dashes[0] > 4 ? "dashed" : "dotted") : "solid";
      li.appendChild(line);
      li.appendChild(el("span", r.label));
      rels.appendChild(li);
    });
    var com = $("communities");
    var palette = data.communities;
    palette.forEach(function (c) {
      var li = el("li");
      var s = el("span", null, "swatch swatch-dot");
      s.style.backgroundColor = c.color;
      li.appendChild(s);
      li.appendChild(el("span", "Group " + (c.group + 1) + ": " + c.lead + " and " + (c.size - 1) + " more"));
      com.appendChild(li);
    });
    if (!palette.length) com.appendChild(el("li", "No communities: too few outlets publish articles here.", "muted"));
    else {
      var none = el("li");
      var s = el("span", null, "swatch swatch-dot");
      s.style.backgroundColor = KIND.outlet.muted || "#c7ccd4";
      none.appendChild(s);
      none.appendChild(el("span", "in no community (no publisher links)"));
      com.appendChild(none);
    }
  }

  function buildMenus() {
    var publishers = [];
    var unknown = 0;
    NODES.forEach(function (n, i) {
      if (n.k === "outlet" && n.c.published) publishers.push(i);
      if (n.k === "article" && publisherOf[i] < 0) unknown += 1;
    });
    publishers.sort(byName).forEach(function (i) {
      var o = el("option", NODES[i].n + " (" + num(NODES[i].c.published) + ")");
      o.value = NODES[i].id;
      $("publisher").appendChild(o);
    });
    if (unknown) {
      var o = el("option", "Publisher unknown (" + num(unknown) + ")");
      o.value = "-";
      $("publisher").appendChild(o);
    }
    $("undated-label").textContent = "Keep the " + num(meta.undated) + " undated articles when a date range is set";
    var about = $("about");
    var add = function (k, v) { about.appendChild(el("dt", k)); about.appendChild(el("dd", v)); };
    var cov = meta.coverage || {};
    add("Articles", num(meta.articles));
    add("Nodes, edges", num(meta.total_nodes) + ", " + num(meta.total_edges));
    if (cov.with_publisher !== undefined) add("Known publisher", num(cov.with_publisher) + " of " + num(cov.articles || meta.articles));
    if (cov.with_date !== undefined) add("Known date", num(cov.with_date) + " of " + num(cov.articles || meta.articles));
    Object.keys(cov).sort().forEach(function (k) {
      if (["articles", "with_publisher", "with_date"].indexOf(k) < 0 && typeof cov[k] !== "object") add(k.replace(/_/g, " "), fieldText(cov[k]));
    });
    var stamp = meta.stamp || {};
    Object.keys(stamp).sort().forEach(function (k) { add(k.replace(/_/g, " "), typeof stamp[k] === "object" ? JSON.stringify(stamp[k]) : fieldText(stamp[k])); });
  }

  /* ------------------------------------------------------- histogram */

  function buildHistogram() {
    var box = $("histogram");
    var months = meta.months;
    if (!months.length) { box.hidden = true; $("histogram-range").textContent = "No article has a date."; return; }
    var max = Math.max.apply(null, months.map(function (m) { return m[1]; }));
    var startMonth = null;
    months.forEach(function (m) {
      var bar = el("span", null, "bar");
      bar.style.height = Math.max(2, Math.round(48 * m[1] / max)) + "px";
      bar.title = m[0] + ": " + m[1] + " article(s)";
      bar.setAttribute("data-month", m[0]);
      bar.addEventListener("mousedown", function (ev) { ev.preventDefault(); startMonth = m[0]; });
      bar.addEventListener("mouseup", function () {
        if (!startMonth) return;
        var a = startMonth < m[0] ? startMonth : m[0], b = startMonth < m[0] ? m[0] : startMonth;
        startMonth = null;
        go({ from: a + "-01", to: b + "-31" });
        syncControls();
      });
      box.appendChild(bar);
    });
    $("histogram-range").textContent = months[0][0] + " \u2013 " + months[months.length - 1][0] + " \u00b7 " +
      num(meta.articles - meta.undated) + " dated, " + num(meta.undated) + " undated articles (drag over the bars to pick a range)";
  }

  function highlightHistogram() {
    document.querySelectorAll("#histogram .bar").forEach(function (bar) {
      var m = bar.getAttribute("data-month");
      var inside = !(state.from || state.to) || ((!state.from || m >= state.from.slice(0, 7)) && (!state.to || m <= state.to.slice(0, 7)));
      bar.classList.toggle("out", !inside || reversed());
    });
  }

  /* ----------------------------------------------------------- export */

  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  $("export-png").addEventListener("click", function () {
    var src = container.querySelector("canvas");
    var c = document.createElement("canvas");
    c.width = src.width;
    c.height = src.height;
    var ctx = c.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(src, 0, 0);
    c.toBlob(function (blob) { download(blob, "citegraph-" + state.view + ".png"); }, "image/png");
  });

  function csvCell(value) {
    var s = value === undefined || value === null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n']/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
  }

  function csvRows() {
    var f = filters();
    var rows = [["id", "kind", "name", "cited_by_articles", "publisher", "published", "url", "community"]];
    drawnVisible().map(function (id) { return index.get(id); }).sort(byImportance).forEach(function (i) {
      var n = NODES[i];
      rows.push([n.id, n.k, n.n, n.k === "article" ? "" : (f.active ? f.count[i] : cited(i)),
                 publisherOf[i] >= 0 ? NODES[publisherOf[i]].n : "", attrs(i).published || "", attrs(i).url || "",
                 n.g === undefined ? "" : n.g + 1]);
    });
    return rows;
  }

  $("export-csv").addEventListener("click", function () {
    var text = csvRows().map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
    download(new Blob([text], { type: "text/csv" }), "citegraph-" + state.view + ".csv");
  });

  /* ------------------------------------------------------------ start */

  window.citegraph = {
    network: network,
    state: function () { return Object.assign({}, state); },
    nodes: function () { return visNodes; },
    visibleIds: function () { return drawnVisible().slice().sort(); },
    drawnIds: function () { return network.body.nodeIndices.filter(function (id) { return !network.body.nodes[id].options.hidden; }).sort(); },
    select: choose,
    search: function (q) { var r = search(q); return r.items ? r.items.map(function (i) { return NODES[i].id; }) : []; },
    labels: function () { return Array.from(current.shownLabels).sort(); },
    dimmed: function () { return dim ? dim.nodes.slice().sort() : null; },
    csv: csvRows,
    count: function (id) { return NODES[index.get(id)].c; }
  };

  if (window.matchMedia("(max-width: 820px)").matches) {
    $("filters").classList.add("closed");
    $("toggle-filters").setAttribute("aria-expanded", "false");
  }
  buildLegend();
  buildMenus();
  buildHistogram();
  state = parseHash();
  syncControls();
  render();
}());
