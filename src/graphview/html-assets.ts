/**
 * The stylesheet and the script inlined in the HTML view (no CDN, no network). The script is
 * plain browser JavaScript kept as text: it is never run by Node. It reads the node data from
 * `<script id="mr-data" type="application/json">`, builds the side panel with `textContent`
 * only (names cannot inject markup), and handles pan (drag), zoom (wheel) and search.
 */
export const PAGE_CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2933;background:#fff}
body{display:flex;flex-direction:column}
header{display:flex;gap:12px;align-items:center;padding:8px 14px;border-bottom:1px solid #dde3ea;background:#f7f9fb}
header h1{font-size:16px;margin:0 12px 0 0;font-weight:600}
#mr-search{width:260px;padding:5px 8px;border:1px solid #b8c2cc;border-radius:4px;font:inherit}
#mr-count{color:#52606d;min-width:80px}
header button{padding:4px 10px;border:1px solid #b8c2cc;border-radius:4px;background:#fff;font:inherit;cursor:pointer}
main{flex:1;display:flex;min-height:0}
#mr-viewport{flex:1;overflow:hidden;position:relative;cursor:grab;background:#fff;touch-action:none}
#mr-viewport.mr-dragging{cursor:grabbing}
#mr-canvas{position:absolute;left:0;top:0;transform-origin:0 0}
#mr-canvas svg{display:block}
#mr-panel{width:340px;border-left:1px solid #dde3ea;padding:12px 16px;overflow:auto;background:#fbfcfd}
#mr-panel h2{font-size:16px;margin:0 0 2px;word-break:break-all}
#mr-panel .mr-kind{color:#52606d;margin:0 0 10px}
#mr-panel table{border-collapse:collapse;width:100%}
#mr-panel td{border-top:1px solid #e4e8ed;padding:4px 6px;vertical-align:top;word-break:break-word}
#mr-panel td.mr-name{font-weight:600;width:40%}
#mr-panel .mr-secret{color:#8a6d00;font-style:italic}
.mr-hint{color:#7b8794}
g.mr_node{cursor:pointer}
g.mr_edge{cursor:pointer}
g.mr-hit polygon,g.mr-hit path,g.mr-hit ellipse{stroke:#ff6d00 !important;stroke-width:4px !important}
g.mr-selected polygon,g.mr-selected path{stroke:#0b57d0 !important;stroke-width:4px !important}
g.mr-dim{opacity:.22}
`;

export const PAGE_JS = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mr-data").textContent);
  var viewport = document.getElementById("mr-viewport");
  var canvas = document.getElementById("mr-canvas");
  var panel = document.getElementById("mr-panel");
  var search = document.getElementById("mr-search");
  var count = document.getElementById("mr-count");
  var svg = canvas.querySelector("svg");
  var view = { x: 0, y: 0, k: 1 };

  function apply() { canvas.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.k + ")"; }
  function fit() {
    var vw = viewport.clientWidth, vh = viewport.clientHeight;
    var sw = svg.width.baseVal.value || svg.getBoundingClientRect().width, sh = svg.height.baseVal.value || svg.getBoundingClientRect().height;
    var k = Math.min(vw / sw, vh / sh, 1.5);
    if (!isFinite(k) || k <= 0) k = 1;
    view = { k: k, x: (vw - sw * k) / 2, y: Math.max(0, (vh - sh * k) / 2) };
    apply();
  }
  viewport.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = viewport.getBoundingClientRect();
    var mx = ev.clientX - r.left, my = ev.clientY - r.top;
    var k = Math.min(20, Math.max(0.05, view.k * Math.exp(-ev.deltaY * 0.0015)));
    view.x = mx - (mx - view.x) * (k / view.k);
    view.y = my - (my - view.y) * (k / view.k);
    view.k = k;
    apply();
  }, { passive: false });

  var drag = null, moved = false;
  viewport.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, ox: view.x, oy: view.y };
    moved = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    moved = true;
    viewport.classList.add("mr-dragging");
    view.x = drag.ox + dx; view.y = drag.oy + dy;
    apply();
  });
  window.addEventListener("pointerup", function () { drag = null; viewport.classList.remove("mr-dragging"); });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function row(table, name, value, cls) {
    var tr = el("tr");
    tr.appendChild(el("td", "mr-name", name));
    tr.appendChild(el("td", cls || "mr-value", value));
    table.appendChild(tr);
  }
  function show(id) {
    var n = data.nodes[id], e = data.edges[id];
    if (!n && !e) return;
    Array.prototype.forEach.call(svg.querySelectorAll(".mr-selected"), function (g) { g.classList.remove("mr-selected"); });
    var g = document.getElementById(id);
    if (g) g.classList.add("mr-selected");
    panel.textContent = "";
    if (e) {
      panel.appendChild(el("h2", "", e.label));
      panel.appendChild(el("p", "mr-kind", e.from + " \\u2192 " + e.to));
      panel.appendChild(el("p", "", e.title));
      return;
    }
    panel.appendChild(el("h2", "", n.name));
    panel.appendChild(el("p", "mr-kind", n.kind + (n.sublabel ? " \\u00b7 " + n.sublabel : "")));
    var table = el("table", "mr-details");
    n.details.forEach(function (d) {
      if (d.kind === "secret") row(table, d.name, "(secret)", "mr-secret");
      else row(table, d.name, d.value);
    });
    panel.appendChild(table);
    panel.setAttribute("data-node", n.name);
  }
  svg.addEventListener("click", function (ev) {
    if (moved) return;
    var g = ev.target.closest && ev.target.closest("g.mr_node, g.mr_edge");
    if (g && g.id) show(g.id);
  });

  var hits = [];
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    hits = [];
    Object.keys(data.nodes).forEach(function (id) {
      var n = data.nodes[id], g = document.getElementById(id);
      if (!g) return;
      var hit = q !== "" && (n.name.toLowerCase().indexOf(q) >= 0 || (n.sublabel || "").toLowerCase().indexOf(q) >= 0);
      g.classList.toggle("mr-hit", hit);
      g.classList.toggle("mr-dim", q !== "" && !hit);
      if (hit) hits.push(id);
    });
    Array.prototype.forEach.call(svg.querySelectorAll("g.mr_edge"), function (g) { g.classList.toggle("mr-dim", q !== ""); });
    count.textContent = q === "" ? "" : hits.length + (hits.length === 1 ? " match" : " matches");
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || hits.length === 0) return;
    var g = document.getElementById(hits[0]);
    show(hits[0]);
    if (!g) return;
    var b = g.getBoundingClientRect(), r = viewport.getBoundingClientRect();
    view.x += r.left + r.width / 2 - (b.left + b.width / 2);
    view.y += r.top + r.height / 2 - (b.top + b.height / 2);
    apply();
  });
  document.getElementById("mr-reset").addEventListener("click", fit);
  window.addEventListener("resize", fit);
  fit();
  document.body.setAttribute("data-ready", "true");
})();
`;
