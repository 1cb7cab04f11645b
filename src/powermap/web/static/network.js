// The interactive network page: draws what /api/network returns with vis-network (served from the installed
// pyvis package), redraws when a filter changes, opens an actor's page on a click on its circle and lists the
// sentences behind a line beside the graph. Every text from the store goes into the page as text, never markup.
"use strict";

(() => {
  const box = document.getElementById("graph");
  if (!box || typeof vis === "undefined") return; // without the library the page keeps its table of edges
  const form = document.getElementById("network-filters");
  const panel = document.getElementById("evidence");
  const TYPE_COLOURS = { person: "#1565c0", state: "#ef6c00", organization: "#6a1b9a", media: "#00838f",
                         group: "#4e342e" };
  const SIGN_COLOURS = { 1: "#2e7d32", "-1": "#c62828", 0: "#757575" };
  const OPTIONS = {
    nodes: {
      shape: "dot",
      borderWidth: 1,
      // Label sizes follow the circles; a label smaller than drawThreshold pixels is left out until one zooms in
      // or hovers (the tooltip names every actor), so small actors do not bury each other in text.
      scaling: { min: 6, max: 36, label: { enabled: true, min: 11, max: 20, drawThreshold: 10, maxVisible: 30 } },
      font: { face: "system-ui, sans-serif", color: "#1b1b1b", strokeWidth: 3, strokeColor: "#ffffff" },
    },
    edges: { selectionWidth: 2, hoverWidth: 1.5, arrowStrikethrough: false },
    interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false, multiselect: false },
    physics: {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -80, centralGravity: 0.01, springLength: 140, avoidOverlap: 0.6 },
      stabilization: { enabled: true, iterations: 400, updateInterval: 50 },
    },
    layout: { randomSeed: 7, improvedLayout: false },
  };
  const network = new vis.Network(box, { nodes: [], edges: [] }, OPTIONS);
  window.powermapNetwork = network; // for the browser tests and anyone curious in the console
  let shown = new Map(); // vis edge id -> the edge as /api/network gave it

  network.on("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } }); // settled: dragging a node moves that node only
    network.fit();
    box.dataset.stable = "1";
  });

  network.on("click", (event) => {
    if (event.nodes.length) {
      window.location.href = "/actor/" + encodeURIComponent(event.nodes[0]);
    } else if (event.edges.length) {
      showEvidence(shown.get(event.edges[0]));
    }
  });

  function filters() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (String(value).trim() !== "" && !(key === "min_confidence" && Number(value) === 0)) {
        params.append(key, String(value).trim());
      }
    }
    return params;
  }

  function element(tag, text, attributes = {}) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = String(text);
    for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, value);
    return made;
  }

  function say(message) {
    panel.replaceChildren(element("p", message, { class: "muted" }));
  }

  function curves(edges) {
    // Lines between the same two actors (one per relation type) bend apart so that each can be clicked.
    const seen = new Map();
    return edges.map((edge) => {
      const pair = [edge.source, edge.target].sort().join("\u0000");
      const index = seen.get(pair) || 0;
      seen.set(pair, index + 1);
      return index === 0 ? { enabled: false } : { enabled: true, type: index % 2 ? "curvedCW" : "curvedCCW",
                                                  roundness: 0.18 * Math.ceil(index / 2) };
    });
  }

  function fillTable(edges) {
    const body = document.querySelector("#edge-table tbody");
    const rows = edges.map((edge) => {
      const row = element("tr");
      row.append(element("td"), element("td", edge.relation + (edge.negated ? ` (${edge.negated} negated)` : "")),
                 element("td"), element("td", edge.count),
                 element("td", (edge.first || "") + (edge.last && edge.last !== edge.first ? " – " + edge.last : "")));
      row.children[0].append(element("a", edge.source_name, { href: "/actor/" + encodeURIComponent(edge.source) }));
      row.children[2].append(element("a", edge.target_name, { href: "/actor/" + encodeURIComponent(edge.target) }));
      return row;
    });
    if (!rows.length) {
      rows.push(element("tr"));
      rows[0].append(element("td", "No edges match these filters.", { colspan: "5", class: "empty" }));
    }
    body.replaceChildren(...rows);
  }

  async function draw() {
    const params = filters();
    history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
    box.dataset.stable = "0";
    const answer = await fetch(box.dataset.api + "?" + params, { headers: { Accept: "application/json" } });
    if (!answer.ok) {
      const problem = await answer.json().catch(() => ({}));
      say("These filters cannot be read: " + JSON.stringify(problem.detail || answer.statusText));
      return;
    }
    const found = await answer.json();
    const bends = curves(found.edges);
    shown = new Map(found.edges.map((edge, index) => [index, edge]));
    const nodes = found.nodes.map((actor) => ({
      id: actor.id, label: actor.name, value: actor.mentions,
      title: `${actor.name} (${actor.type}): ${actor.mentions} mentions, ${actor.degree} edges drawn`,
      color: { background: TYPE_COLOURS[actor.type] || "#757575", border: "#ffffff",
               highlight: { background: TYPE_COLOURS[actor.type] || "#757575", border: "#1b1b1b" } },
    }));
    const edges = found.edges.map((edge, index) => ({
      id: index, from: edge.source, to: edge.target, arrows: edge.directed ? "to" : "", relation: edge.relation,
      width: 1 + 1.5 * Math.log1p(edge.count), smooth: bends[index],
      color: { color: SIGN_COLOURS[edge.sign], highlight: SIGN_COLOURS[edge.sign], hover: SIGN_COLOURS[edge.sign],
               opacity: 0.75 },
      title: `${edge.source_name} ${edge.negated === edge.count ? "not " : ""}${edge.relation} ${edge.target_name}: ` +
             `${edge.count} relations` + (edge.first ? `, ${edge.first}` : "") +
             (edge.last && edge.last !== edge.first ? ` – ${edge.last}` : ""),
    }));
    network.setOptions({ physics: { enabled: true } });
    network.setData({ nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) });
    box.dataset.drawnNodes = String(nodes.length);
    box.dataset.drawnEdges = String(edges.length);
    document.getElementById("node-count").textContent = nodes.length;
    document.getElementById("edge-count").textContent = edges.length;
    document.getElementById("more-note").hidden = !found.more;
    fillTable(found.edges);
    if (!nodes.length) box.dataset.stable = "1";
    say(nodes.length ? "Click a line to read the sentences behind it." : "No edges match these filters.");
  }

  async function showEvidence(edge) {
    if (!edge) return;
    const params = filters();
    for (const key of ["type", "actor"]) params.delete(key);
    params.set("source", edge.source);
    params.set("relation", edge.relation);
    params.set("target", edge.target);
    say("Reading the evidence…");
    const answer = await fetch("/api/edges/evidence?" + params);
    if (!answer.ok) {
      say("The evidence cannot be read (" + answer.status + ").");
      return;
    }
    const found = await answer.json();
    const heading = element("h2", `${found.source_name} ${found.relation} ${found.target_name}`);
    const count = element("p", `${edge.count} relations` + (found.relations.length < edge.count
      ? `, the ${found.relations.length} most confident listed` : ""), { class: "muted" });
    const list = element("ol", null, { class: "evidence-list" });
    for (const item of found.relations) {
      const entry = element("li", null, { class: "evidence-item", "data-document": item.document });
      const sentence = item.evidence.text;
      const from = Math.max(0, item.trigger.start - item.evidence.start);
      const to = Math.min(sentence.length, item.trigger.end - item.evidence.start);
      const quote = element("q");
      quote.append(sentence.slice(0, from), element("mark", sentence.slice(from, to)), sentence.slice(to));
      const link = element("a", item.title, {
        href: `/doc/${encodeURIComponent(item.document)}?hit=${item.evidence.start}-${item.evidence.end}#hit`,
        class: "evidence-link",
      });
      const facts = [item.negated ? "negated" : "", item.modality, item.date || "undated",
                     "asserted by " + item.asserted_by, "confidence " + item.confidence.toFixed(2)].filter(Boolean);
      entry.append(quote, element("br"), element("span", facts.join(" · ") + " · ", { class: "muted" }), link);
      list.append(entry);
    }
    panel.replaceChildren(heading, count, list);
  }

  let typing = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    draw();
  });
  form.addEventListener("change", () => draw());
  document.getElementById("actor-filter").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(draw, 350);
  });
  draw();
})();
