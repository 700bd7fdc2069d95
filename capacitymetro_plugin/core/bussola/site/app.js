/* Bussola: static, offline, no third-party code. Data: window.BUSSOLA_DATA, strings: window.BUSSOLA_I18N */
(function () {
  "use strict";
  var I = window.BUSSOLA_I18N, D = window.BUSSOLA_DATA, W = window.BUSSOLA_WALK || null;
  var T = window.BUSSOLA_TRANSIT || null;  // transit minutes (median over a window), same grid
  var B = window.BUSSOLA_BG || null, S = window.BUSSOLA_STREETS || null;
  var DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
  var lang = "it", here = null, hereName = null, selected = null, bgLayer = null;
  var homeBox = null, viewBox = null;  // the whole area; the zoomed view (null: whole area)
  var $ = function (id) { return document.getElementById(id); };

  function pickLang() {
    var m = /[?&]lang=([a-z]{2})/.exec(location.search);
    var saved = null;
    try { saved = localStorage.getItem("bussola-lang"); } catch (e) { /* file:// may refuse */ }
    var wanted = [m && m[1], saved].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var c = (wanted[i] || "").slice(0, 2).toLowerCase();
      if (I[c]) return c;
    }
    return "it";
  }
  function t(key, vars) {
    var s = (I[lang].ui[key] !== undefined ? I[lang].ui[key] : I.en.ui[key]) || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }
  // a count in the reader's grammar: "1 service", "2 services"; Arabic has six forms
  // (CLDR plural categories from the browser's Intl.PluralRules; results_<category> keys)
  function count(key, n) {
    var cat = "other";
    try { cat = new Intl.PluralRules(lang).select(n); } catch (e) { /* old browser: "other" */ }
    return t(I[lang].ui[key + "_" + cat] !== undefined ? key + "_" + cat : key, { n: n });
  }
  function sectorName(c) { return I[lang].sectors[c] || (D.sectors[c] || {}).en || c; }
  function targetName(c) { var g = D.target_groups[c]; return g ? (lang === "it" ? g.it : g.en) : c; }
  function langName(c) {
    try { return new Intl.DisplayNames([lang], { type: "language" }).of(c); } catch (e) { return c; }
  }
  function dayName(d) {
    var ref = new Date(Date.UTC(2024, 0, 1 + DAYS.indexOf(d))); // 2024-01-01 is a Monday
    try { return ref.toLocaleDateString(lang, { weekday: "long", timeZone: "UTC" }); } catch (e) { return d; }
  }
  // record content keeps its own language and direction inside a right-to-left page
  // (an Italian phone number or address in an Arabic page must not be reordered)
  function joined(items) { return items.join({ ar: "، ", ur: "، ", zh: "、" }[lang] || ", "); }
  function dirOf(l) { return I[l] ? I[l]._dir : "ltr"; }
  // --- multilingual records: a service's name/description in the visitor's language ---
  // r = {text, lang, machine, fallback}: the translation when there is one, else the original
  function recordText(s, field) {
    var tr = s.tr && s.tr[lang], content = s.content_lang || "it";
    if (tr && tr[field]) return { text: tr[field], lang: lang, machine: !!tr.machine, fallback: false };
    return { text: s[field], lang: content, machine: false, fallback: lang !== content };
  }
  function recordLabel(r) {
    var L = D.record_labels || {}, kind = r.fallback ? L.original : r.machine ? L.machine : null;
    return kind ? kind[lang] || kind.en || "" : "";
  }
  // the text, marked with its own language
  function recordNode(tag, attrs, r) {
    var e = el(tag, attrs, r.text);
    e.setAttribute("lang", r.lang);
    e.setAttribute("dir", dirOf(r.lang));
    return e;
  }
  // its label ("(in Italian)", "(machine translation)") in the visitor's language, or null
  function recordLabelNode(tag, r) {
    var label = recordLabel(r);
    return label ? el(tag, { "class": "record-label", lang: lang }, label) : null;
  }
  function appendRecord(parent, r) {  // text + " " + label, side by side
    parent.appendChild(recordNode("span", {}, r));
    var l = recordLabelNode("span", r);
    if (l) { parent.appendChild(document.createTextNode(" ")); parent.appendChild(l); }
    return parent;
  }
  function searchText(s) { var tr = (s.tr && s.tr[lang]) || {}; return [tr.name, tr.description].join(" "); }
  function norm(s) { return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function options(sel, items) {
    var keep = sel.value;
    sel.textContent = "";
    sel.appendChild(el("option", { value: "" }, t("all")));
    items.forEach(function (it) { sel.appendChild(el("option", { value: it[0] }, it[1])); });
    sel.value = keep;
  }
  function uniq(key) {
    var seen = {};
    D.services.forEach(function (s) { [].concat(s[key] || []).forEach(function (v) { seen[v] = 1; }); });
    return Object.keys(seen).sort();
  }
  function openAt(s, day, minutes) {
    var r = s.hours && s.hours.rules;
    if (!r) return false;
    return r.some(function (x) {
      if (x[0].indexOf(day) < 0) return false;
      if (minutes === undefined) return true;
      var o = x[1].split(":"), c = x[2].split(":");
      return minutes >= +o[0] * 60 + +o[1] && minutes < +c[0] * 60 + +c[1];
    });
  }
  function km(a, b) {
    var R = 6371, r = Math.PI / 180, dl = (b[1] - a[1]) * r, dn = (b[0] - a[0]) * r;
    var h = Math.sin(dl / 2) * Math.sin(dl / 2) + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dn / 2) * Math.sin(dn / 2);
    return 2 * R * Math.asin(Math.sqrt(h));
  }
  function cellIn(G, p) {
    if (!G) return null;
    var g = G.grid, i = Math.floor((p[0] - g.lon0) / g.dlon), j = Math.floor((p[1] - g.lat0) / g.dlat);
    return i >= 0 && i < g.nx && j >= 0 && j < g.ny ? j * g.nx + i : null;
  }
  function walkCell(p) { return cellIn(W, p); }
  function minutesIn(G, cell, id) {  // tenths of a minute in walk.js / transit.js; -1: none
    var row = G.ids.indexOf(id), v = row < 0 ? -1 : G.tenths_min[row][cell];
    return v >= 0 ? v / 10 : undefined;
  }
  // the transit data's date: "Wed" in the list, "Wednesday 19 November 2025" in the note
  function rideDate(opts) {
    var d = T.date.split("-"), ref = new Date(Date.UTC(+d[0], +d[1] - 1, +d[2]));
    opts.timeZone = "UTC";
    try { return ref.toLocaleDateString(lang, opts); } catch (e) { return T.date; }
  }
  // times, dates and file names stay left to right inside a right-to-left sentence: isolated
  // (LRI…PDI) and unbroken (a line break inside an isolate reorders its pieces)
  function ltr(x) {
    if (I[lang]._dir !== "rtl") return x;
    return "\u2066" + x.replace(/-/g, "\u2011").replace(/ /g, "\u00a0").replace(/\u2013/g, "\u2060\u2013\u2060") + "\u2069";
  }
  function rideWindow() { return ltr(T.window[0] + "\u2013" + T.window[1]); }
  function filtered() {
    var q = norm($("q").value), sec = $("f-sector").value, lg = $("f-language").value;
    var tg = $("f-target").value, co = $("f-comune").value, day = $("f-day").value;
    var now = new Date(), nowDay = DAYS[(now.getDay() + 6) % 7], nowMin = now.getHours() * 60 + now.getMinutes();
    var out = D.services.filter(function (s) {
      if (q && norm([s.name, s.description, s.organization, s.comune, searchText(s)].join(" ")).indexOf(q) < 0) return false;
      if (sec && (s.sectors || []).indexOf(sec) < 0) return false;
      if (lg && (s.languages || []).indexOf(lg) < 0) return false;
      if (tg && (s.target_groups || []).indexOf(tg) < 0) return false;
      if (co && s.comune !== co) return false;
      if (day && !openAt(s, day)) return false;
      if ($("f-now").checked && !openAt(s, nowDay, nowMin)) return false;
      return true;
    });
    if (here) {
      out = out.filter(function (s) { return s.lon !== undefined; });
      var cell = walkCell(here), rcell = cellIn(T, here);
      out.forEach(function (s) {
        s._km = km(here, [s.lon, s.lat]);
        s._min = cell !== null ? minutesIn(W, cell, s.id) : undefined;
        s._ride = rcell !== null ? minutesIn(T, rcell, s.id) : undefined;
        // no street network: on foot as the transit engine walks, straight line × detour
        s._est = !W && T ? s._km * T.detour / T.walk_kmh * 60 : undefined;
        var foot = s._min !== undefined ? s._min : s._est;
        s._rank = Math.min(foot === undefined ? Infinity : foot, s._ride === undefined ? Infinity : s._ride);
      });
      if (cell !== null || rcell !== null) {
        // by the faster of walking and transit (engine, precomputed); beyond: after, by distance
        out.sort(function (a, b) { return a._rank !== b._rank ? a._rank - b._rank : a._km - b._km; });
      } else out.sort(function (a, b) { return a._km - b._km; });
    }
    return out;
  }
  function render() {
    var list = filtered(), ul = $("results");
    ul.textContent = "";
    var byWalk = here && walkCell(here) !== null, byRide = here && cellIn(T, here) !== null;
    $("status").textContent = count("results", list.length) +
      (here ? " · " + t(byRide ? rideKey("ride_rank_note") : byWalk ? "walk_note" : "near_me_note") : "") +
      (hereName ? " · " + t("from_street", { street: hereName }) : "");
    rideNote(byRide);
    var when = byRide ? t("ride_when", { day: rideDate({ weekday: "short" }), window: rideWindow() }) : "";
    var hidden = ["f-language", "f-target", "f-comune", "f-day"].filter(function (id) { return $(id).value; }).length + ($("f-now").checked ? 1 : 0);
    $("more-n").textContent = hidden ? "(" + hidden + ")" : "";
    pdfLink($("f-sector").value);
    list.forEach(function (s) {
      var li = el("li", { "data-id": s.id });
      var shownName = recordText(s, "name"), nameLabel = recordLabelNode("span", shownName);
      var b = el("button", { type: "button", "class": "link" });
      b.appendChild(recordNode("span", {}, shownName));
      b.addEventListener("click", function () { openCard(s.id, b); });
      li.appendChild(b);
      if (nameLabel) { li.appendChild(document.createTextNode(" ")); li.appendChild(nameLabel); }
      var meta = joined((s.sectors || []).map(sectorName));
      li.appendChild(el("p", { "class": "meta" }, meta + (s.comune ? " · " + s.comune : "")));
      if (here && s._km !== undefined) {
        var dist = s._km.toFixed(2).replace(".", (0.5).toLocaleString(lang).charAt(1)) + " km";
        var walk = byWalk && s._min !== undefined ? t("walk_minutes", { n: Math.round(s._min) }) + " · " : "";
        if (byRide && s._est !== undefined) walk = t("walk_est_minutes", { n: Math.round(s._est) }) + " · ";
        var ride = byRide && s._ride !== undefined ? t(rideKey("ride_minutes"), { n: Math.round(s._ride), when: when }) + " · " : "";
        li.appendChild(el("p", { "class": "meta dist" }, walk + ride + dist));
      }
      ul.appendChild(li);
    });
    drawMap(list);
  }
  // "bus/tram" only when the feeds run buses and trams alone (ACTV's); water buses, trains or
  // modes unknown: "public transport" (the *_pt texts)
  function rideKey(key) {
    var m = T.modes || [];
    var busTram = m.length > 0 && m.every(function (x) { return x === "bus" || x === "tram"; });
    return busTram ? key : key + "_pt";
  }
  // where the transit minutes come from: feeds, date, window, statistic (shown with them)
  function rideNote(show) {
    var box = $("ride-note");
    if (!show) { box.hidden = true; return; }
    var feeds = T.feeds.map(function (f) { return ltr(f.name) + (f.from ? " (" + ltr(f.from + " \u2013 " + f.to) + ")" : ""); });
    box.textContent = t(rideKey("ride_note"), { n: T.departures, window: rideWindow(), date: rideDate({ weekday: "long", day: "numeric", month: "long", year: "numeric" }), feeds: joined(feeds) }) +
      (T.walk_source === "straight_line" ? " " + t("ride_walk_line") : "") +
      (T.headway ? " " + t("ride_headway_note") : "");
    box.hidden = false;
  }
  // the printable list of the chosen sector (pdf/<sector>.<lang>.pdf), in the reader's
  // language where one is written, else in English (said beside the link)
  function pdfLink(sec) {
    var P = D.pdf, box = $("pdf-link");
    if (!P || !sec || P.sectors.indexOf(sec) < 0) { box.hidden = true; return; }
    var pl = P.langs.indexOf(lang) >= 0 ? lang : (P.langs.indexOf("en") >= 0 ? "en" : P.langs[0]);
    var a = $("pdf-a");
    a.setAttribute("href", "pdf/" + encodeURIComponent(sec) + "." + pl + ".pdf");
    a.setAttribute("hreflang", pl);
    a.setAttribute("type", "application/pdf");
    a.textContent = t("list_pdf") + " – " + sectorName(sec) +
      (pl !== lang ? " " + t("list_pdf_lang", { language: I[pl] ? I[pl]._name : pl }) : "");
    box.hidden = false;
  }
  function drawMap(list) {
    var svg = $("map"), ns = "http://www.w3.org/2000/svg";
    svg.textContent = "";
    var pts = D.services.filter(function (s) { return s.lon !== undefined; });
    if (!pts.length) return;
    var merc = function (lon, lat) { return [lon, -Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)) * 180 / Math.PI]; };
    var xs = [], ys = [];
    // an approximate place's whole hexagon fits in the map (not only its centre): a shape cut
    // by the map's edge would also reach under the zoom buttons above it
    pts.forEach(function (s) {
      (s.area || [[s.lon, s.lat]]).forEach(function (c) { var p = merc(c[0], c[1]); xs.push(p[0]); ys.push(p[1]); });
    });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (here) {  // "near me" from nearby (an island off the services' box): the map shows it too
      var hq = merc(here[0], here[1]), span = Math.max(x1 - x0, y1 - y0, 0.02);
      if (hq[0] > x0 - span && hq[0] < x1 + span && hq[1] > y0 - span && hq[1] < y1 + span) {
        x0 = Math.min(x0, hq[0]); x1 = Math.max(x1, hq[0]); y0 = Math.min(y0, hq[1]); y1 = Math.max(y1, hq[1]);
      }
    }
    var pad = Math.max(x1 - x0, y1 - y0, 0.01) * 0.08;
    homeBox = [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad];
    var vb = viewBox || homeBox;  // zoom and pan move the viewBox only (background follows)
    svg.setAttribute("viewBox", vb.join(" "));
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    var credits = [];
    if (B) { svg.appendChild(background(ns)); credits.push(B.credit); }
    // points 24 CSS px across (WCAG 2.5.8 target size), whatever the map's size and zoom
    var box = svg.getBoundingClientRect(), vw = vb[2], vh = vb[3];
    var scale = Math.min(box.width / vw, box.height / vh);
    var r = scale > 0 ? 12 / scale : Math.max(x1 - x0, y1 - y0, 0.01) * 0.012;
    if (D.tiles && D.tiles.url && scale > 0 && navigator.onLine !== false) {
      tiles(svg, ns, scale, box, [vb[0] + vw / 2, vb[1] + vh / 2]);
      credits.unshift(D.tiles.attribution);
    }
    if (here) {  // where "near me" measures from: the device or the street typed
      var hp = merc(here[0], here[1]), mark = document.createElementNS(ns, "circle");
      mark.setAttribute("cx", hp[0]); mark.setAttribute("cy", hp[1]); mark.setAttribute("r", r * 0.6);
      mark.setAttribute("class", "here"); mark.setAttribute("aria-hidden", "true");
      svg.appendChild(mark);
    }
    list.filter(function (s) { return s.lon !== undefined; }).forEach(function (s) {
      var shape;
      if (s.area) {
        shape = document.createElementNS(ns, "polygon");
        shape.setAttribute("points", s.area.map(function (c) { return merc(c[0], c[1]).join(","); }).join(" "));
        shape.setAttribute("class", "area");
      } else {
        var p = merc(s.lon, s.lat);
        shape = document.createElementNS(ns, "circle");
        shape.setAttribute("cx", p[0]); shape.setAttribute("cy", p[1]); shape.setAttribute("r", r);
        shape.setAttribute("class", "pt" + (s.id === selected ? " sel" : ""));
      }
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("role", "button");
      var shown = recordText(s, "name").text;
      shape.setAttribute("aria-label", shown + (s.area ? " (" + t("approximate") + ")" : ""));
      var title = document.createElementNS(ns, "title"); title.textContent = shown; shape.appendChild(title);
      shape.addEventListener("click", function () { openCard(s.id, shape); });
      shape.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openCard(s.id, shape); } });
      svg.appendChild(shape);
    });
    $("attribution").textContent = credits.filter(Boolean).join(" · ");
  }
  // the offline background (streets, water): SVG path data in whole metres of a local frame,
  // built once and moved back under the points on every redraw
  function background(ns) {
    if (bgLayer) return bgLayer;
    var g = document.createElementNS(ns, "g"), f = B.frame;
    g.setAttribute("class", "bg");
    g.setAttribute("aria-hidden", "true");
    g.setAttribute("transform", "translate(" + f.x0 + " " + f.y0 + ") scale(" + f.unit + ")");
    [["water", "water"], ["waterways", "waterway"], ["streets", "street"]].forEach(function (k) {
      if (!B[k[0]]) return;
      var p = document.createElementNS(ns, "path");
      p.setAttribute("d", B[k[0]]); p.setAttribute("class", k[1]);
      g.appendChild(p);
    });
    bgLayer = g;
    return g;
  }
  // a publisher's tile service ({z}/{x}/{y}, web Mercator): the tiles covering the map box,
  // over the offline background (which still shows where a tile does not load)
  function tiles(svg, ns, scale, box, centre) {
    var z = Math.max(0, Math.min(19, Math.round(Math.log(scale * 360 / 256) / Math.LN2)));
    var n = Math.pow(2, z), tw = 360 / n, hw = box.width / scale / 2, hh = box.height / scale / 2;
    var g = document.createElementNS(ns, "g");
    g.setAttribute("class", "tiles"); g.setAttribute("aria-hidden", "true");
    for (var ty = Math.floor((centre[1] - hh + 180) / tw); ty <= Math.floor((centre[1] + hh + 180) / tw); ty++) {
      for (var tx = Math.floor((centre[0] - hw + 180) / tw); tx <= Math.floor((centre[0] + hw + 180) / tw); tx++) {
        if (ty < 0 || ty >= n) continue;
        var im = document.createElementNS(ns, "image"), x = ((tx % n) + n) % n;
        im.setAttribute("href", D.tiles.url.replace("{z}", z).replace("{x}", x).replace("{y}", ty).replace("{s}", "a"));
        im.setAttribute("x", tx * tw - 180); im.setAttribute("y", ty * tw - 180);
        im.setAttribute("width", tw); im.setAttribute("height", tw);
        im.setAttribute("preserveAspectRatio", "none");
        g.appendChild(im);
      }
    }
    svg.appendChild(g);
  }
  // --- zoom and pan: wheel, drag, pinch, +/−/reset buttons, keys when the map has focus ---
  function svgPoint(cx, cy) {  // a screen point in map units (null before the first draw)
    var m = $("map").getScreenCTM();
    if (!m) return null;
    var q = $("map").createSVGPoint(); q.x = cx; q.y = cy;
    return q.matrixTransform(m.inverse());
  }
  function zoomBy(f, cx, cy) {  // f > 1 zooms in; the map point under (cx, cy) stays there
    if (!homeBox) return;
    var vb = (viewBox || homeBox).slice(), box = $("map").getBoundingClientRect();
    var u = cx === undefined ? null : svgPoint(cx, cy);
    var ux = u ? u.x : vb[0] + vb[2] / 2, uy = u ? u.y : vb[1] + vb[3] / 2;
    var k = homeBox[2] / (vb[2] / f);
    if (k < 1) f = vb[2] / homeBox[2];  // never smaller than the whole area
    else if (k > 256) f = vb[2] / (homeBox[2] / 256);
    viewBox = [ux - (ux - vb[0]) / f, uy - (uy - vb[1]) / f, vb[2] / f, vb[3] / f];
    if (!box.width) return;
    drawMap(filtered());
  }
  function panBy(dxPx, dyPx) {  // move the view by screen pixels
    if (!homeBox) return;
    var vb = (viewBox || homeBox).slice(), box = $("map").getBoundingClientRect();
    var scale = Math.min(box.width / vb[2], box.height / vb[3]);
    if (!(scale > 0)) return;
    viewBox = [vb[0] - dxPx / scale, vb[1] - dyPx / scale, vb[2], vb[3]];
    drawMap(filtered());
  }
  function resetView() { viewBox = null; drawMap(filtered()); }
  function initZoom() {
    var svg = $("map"), ptrs = {}, moved = false, pinch = null;
    $("zoom-in").addEventListener("click", function () { zoomBy(1.5); });
    $("zoom-out").addEventListener("click", function () { zoomBy(1 / 1.5); });
    $("zoom-reset").addEventListener("click", resetView);
    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      zoomBy(e.deltaY < 0 ? 1.25 : 0.8, e.clientX, e.clientY);
    }, { passive: false });
    svg.addEventListener("keydown", function (e) {
      if (e.target !== svg) return;  // Enter/space on a point open its card
      var step = 60, k = e.key;
      if (k === "+" || k === "=") zoomBy(1.5);
      else if (k === "-" || k === "_") zoomBy(1 / 1.5);
      else if (k === "0" || k === "Home") resetView();
      else if (k === "ArrowLeft") panBy(step, 0);
      else if (k === "ArrowRight") panBy(-step, 0);
      else if (k === "ArrowUp") panBy(0, step);
      else if (k === "ArrowDown") panBy(0, -step);
      else return;
      e.preventDefault();
    });
    svg.addEventListener("pointerdown", function (e) {
      ptrs[e.pointerId] = [e.clientX, e.clientY]; moved = false; pinch = null;
    });
    svg.addEventListener("pointermove", function (e) {
      var last = ptrs[e.pointerId];
      if (!last) return;
      var ids = Object.keys(ptrs);
      if (ids.length === 2) {  // pinch: zoom by the change of the fingers' distance
        ptrs[e.pointerId] = [e.clientX, e.clientY];
        var a = ptrs[ids[0]], b = ptrs[ids[1]], d = Math.hypot(a[0] - b[0], a[1] - b[1]);
        if (pinch && d > 0) zoomBy(d / pinch, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
        pinch = d; moved = true; return;
      }
      var dx = e.clientX - last[0], dy = e.clientY - last[1];
      if (!moved && Math.hypot(dx, dy) < 4) return;  // a tap on a point stays a click
      if (!moved) { moved = true; try { svg.setPointerCapture(e.pointerId); } catch (x) { /* ignore */ } }
      ptrs[e.pointerId] = [e.clientX, e.clientY];
      panBy(dx, dy);
    });
    function up(e) { delete ptrs[e.pointerId]; pinch = null; }
    svg.addEventListener("pointerup", up); svg.addEventListener("pointercancel", up);
    // a drag must not end in a click on the point under the finger
    svg.addEventListener("click", function (e) { if (moved) { e.stopPropagation(); moved = false; } }, true);
  }
  // --- typed-address search: the area's street names (accent/case-free word prefixes) ---
  function words(s) { return norm(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean); }
  function streetMatches(q) {
    var want = words(q);
    if (!S || !want.length) return [];
    var whole = norm(q).trim();
    var hits = S.names.filter(function (r) {
      var have = words(r[0]);
      return want.every(function (w) { return have.some(function (h) { return h.indexOf(w) === 0; }); });
    });
    // a name that starts with what was typed comes first
    hits.sort(function (a, b) { return (norm(a[0]).indexOf(whole) === 0 ? 0 : 1) - (norm(b[0]).indexOf(whole) === 0 ? 0 : 1); });
    return hits.slice(0, 6);
  }
  // a house number typed after the street ("Via Roma 12", "via roma, 12/a"): the street's
  // numbers follow its point as [number, dx, dy, ...] in the same frame units, each step from
  // the one before
  function houseKey(s) { return norm(s).replace(/[^\p{L}\p{N}]+/gu, ""); }
  function splitNumber(q) {
    var m = /^(.*[^\s,])[\s,]+(\d+[\p{L}\p{N}\/]{0,4})$/u.exec(q.trim());
    return m && words(m[1]).length ? [m[1], m[2]] : null;
  }
  function addressMatches(q) {
    var split = splitNumber(q), out = [];
    if (split) {
      var key = houseKey(split[1]);
      streetMatches(split[0]).forEach(function (r) {
        var h = r[3] || [], x = 0, y = 0, hit = null;
        for (var i = 0; i < h.length && !hit; i += 3) {  // each step from the one before
          x += h[i + 1]; y += h[i + 2];
          if (houseKey(String(h[i])) === key) hit = { r: r, n: String(h[i]), dx: x, dy: y };
        }
        out.push(hit || { r: r, missing: split[1] });
      });
      out.sort(function (a, b) { return (a.missing ? 1 : 0) - (b.missing ? 1 : 0); });
    }
    streetMatches(q).forEach(function (r) {  // a number that belongs to the name ("Via 4 Novembre")
      if (!out.some(function (o) { return o.r === r; })) out.push({ r: r });
    });
    return out.slice(0, 6);
  }
  function hitName(hit) { return hit.n ? hit.r[0] + " " + hit.n : hit.r[0]; }
  function pickStreet(hit) {
    var r = hit.r, f = S.frame, qx = r[1] + (hit.dx || 0), qy = r[2] + (hit.dy || 0);
    var y = f.y0 + qy * f.unit;  // whole ~1 m units of the background's frame
    here = [f.x0 + qx * f.unit, (2 * Math.atan(Math.exp(-y * Math.PI / 180)) - Math.PI / 2) * 180 / Math.PI];
    hereName = hitName(hit);
    $("addr").value = hereName;
    $("addr-list").textContent = "";
    render(); $("results").focus();
  }
  function showStreets() {
    var ul = $("addr-list"), q = $("addr").value;
    ul.textContent = "";
    if (!words(q).length) return;
    var hits = addressMatches(q);
    if (!hits.length) { ul.appendChild(el("li", { "class": "none" }, t("address_none"))); return; }
    hits.forEach(function (hit) {
      var li = el("li"), b = el("button", { type: "button", "class": "link" });
      b.appendChild(el("span", { lang: "it" }, hitName(hit)));
      if (hit.missing) {  // the street is known, this number is not: measured from its middle
        b.appendChild(el("span", { "class": "meta" }, " · " + t("house_missing", { n: hit.missing })));
      }
      b.addEventListener("click", function () { pickStreet(hit); });
      li.appendChild(b); ul.appendChild(li);
    });
  }
  function row(dl, key, node) {
    dl.appendChild(el("dt", {}, t(key)));
    var dd = el("dd"); if (typeof node === "string") dd.textContent = node; else dd.appendChild(node);
    dl.appendChild(dd);
  }
  function link(href, text) { return el("a", { href: href, dir: "ltr" }, text); }
  function openCard(id, from) {
    var s = D.services.filter(function (x) { return x.id === id; })[0];
    if (!s) return;
    selected = id;
    var card = $("card"), content = s.content_lang || "it";
    card.textContent = "";
    var cdir = dirOf(content);
    var name = recordText(s, "name"), about = recordText(s, "description");
    card.appendChild(recordNode("h2", { id: "card-name" }, name));
    // an untranslated record gets one note ("shown in the original language"), not a label too
    var nameLabel = name.fallback ? null : recordLabelNode("p", name);
    if (nameLabel) card.appendChild(nameLabel);
    if (name.fallback) card.appendChild(el("p", { "class": "note" }, t("fallback_note")));
    if (s.organization) card.appendChild(el("p", { "class": "meta", lang: content, dir: cdir }, s.organization));
    if (about.text) {
      card.appendChild(about.fallback
        ? recordNode("p", { "class": "description" }, about)
        : appendRecord(el("p", { "class": "description" }), about));
    }
    var dl = el("dl");
    row(dl, "sector", joined((s.sectors || []).map(sectorName)));
    if (s.privacy === "hidden") row(dl, "address", t("hidden"));
    else if (s.privacy === "approximate") row(dl, "address", [s.comune, t("approximate")].filter(Boolean).join(" · "));
    else if (s.address || s.comune) row(dl, "address", el("span", { lang: content, dir: cdir }, [s.address, s.comune].filter(Boolean).join(", ")));
    if (s.hours) {
      var h = el("ul");
      if (s.hours.rules) s.hours.rules.forEach(function (x) { h.appendChild(el("li", {}, joined(x[0].map(dayName)) + " " + x[1] + "–" + x[2])); });
      else h.appendChild(el("li", { lang: content, dir: cdir }, s.hours.text));
      row(dl, "hours", h);
    }
    if (s.languages) row(dl, "languages_spoken", joined(s.languages.map(langName)));
    if (s.target_groups) row(dl, "target_group", joined(s.target_groups.map(targetName)));
    if (s.phone) row(dl, "phone", link("tel:" + s.phone.replace(/\s+/g, ""), s.phone));
    if (s.email) row(dl, "email", link("mailto:" + s.email, s.email));
    if (s.website) row(dl, "website", link(s.website, s.website));
    if (s.practices) {
      var pl = el("ul");
      s.practices.forEach(function (p) { var li = el("li", { lang: content, dir: cdir }); li.appendChild(p.link ? link(p.link, p.title) : document.createTextNode(p.title)); pl.appendChild(li); });
      row(dl, "practices", pl);
    }
    card.appendChild(dl);
    var bar = el("p", { "class": "noprint" });
    var pr = el("button", { type: "button" }, t("print")); pr.addEventListener("click", function () { window.print(); });
    var back = el("button", { type: "button" }, t("back"));
    back.addEventListener("click", function () { card.hidden = true; selected = null; drawMap(filtered()); (from && from.isConnected ? from : $("results")).focus(); });
    bar.appendChild(pr); bar.appendChild(document.createTextNode(" ")); bar.appendChild(back);
    card.appendChild(bar);
    card.hidden = false;
    drawMap(filtered());
    // on a phone the card is below the list: bring its top (the name) into view, not its middle
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "start" });
  }
  function setLang(l) {
    lang = I[l] ? l : "it";
    try { localStorage.setItem("bussola-lang", lang); } catch (e) { /* ignore */ }
    document.documentElement.lang = lang;
    document.documentElement.dir = I[lang]._dir;
    [].forEach.call(document.querySelectorAll("[data-i18n]"), function (n) { n.textContent = t(n.getAttribute("data-i18n")); });
    [].forEach.call(document.querySelectorAll("[data-i18n-label]"), function (n) { var l = t(n.getAttribute("data-i18n-label")); n.setAttribute("aria-label", l); n.title = l; });
    document.title = D.title ? D.title + " – " + t("app_title") : t("app_title");
    $("title").textContent = document.title;
    $("lang").value = lang;
    options($("f-sector"), uniq("sectors").map(function (c) { return [c, sectorName(c)]; }));
    options($("f-language"), uniq("languages").map(function (c) { return [c, langName(c)]; }));
    options($("f-target"), uniq("target_groups").map(function (c) { return [c, targetName(c)]; }));
    options($("f-comune"), uniq("comune").map(function (c) { return [c, c]; }));
    options($("f-day"), DAYS.map(function (d) { return [d, dayName(d)]; }));
    render();
    if (selected && !$("card").hidden) openCard(selected);
  }
  function init() {
    var sel = $("lang");
    Object.keys(I).forEach(function (c) { sel.appendChild(el("option", { value: c, lang: c }, I[c]._name)); });
    sel.addEventListener("change", function () { setLang(sel.value); });
    ["q", "f-sector", "f-language", "f-target", "f-comune", "f-day", "f-now"].forEach(function (id) {
      $(id).addEventListener(id === "q" ? "input" : "change", render);
    });
    $("near").addEventListener("click", function () {
      if (!navigator.geolocation) { $("status").textContent = t("location_denied"); return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        here = [p.coords.longitude, p.coords.latitude]; hereName = null; render(); $("results").focus();
      }, function () { $("status").textContent = t("location_denied"); });
    });
    if (S && S.names.length) {
      $("addr-wrap").hidden = false;
      $("addr").addEventListener("input", showStreets);
      $("addr").addEventListener("keydown", function (e) {
        if (e.key !== "Enter") return;
        e.preventDefault();
        var hits = addressMatches($("addr").value);
        if (hits.length) pickStreet(hits[0]); else showStreets();
      });
    }
    // all filters in view on a wide screen; on a phone the rarer ones fold under "More filters"
    if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) $("more").open = true;
    window.addEventListener("resize", function () { drawMap(filtered()); });
    initZoom();
    setLang(pickLang());
    if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol)) {
      navigator.serviceWorker.register("sw.js").catch(function () { /* offline cache is optional */ });
    }
  }
  init();
})();
