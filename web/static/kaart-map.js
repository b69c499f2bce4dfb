// The sociale kaart's map (docs/sociale-kaart.md, "De kaart en de tegels"):
// an addition to pages that work without it. Loaded with defer (a classic
// script, so it can sit on any page) by
//  - the list /kaart and an entry's page, which hold
//    <div id="kaart-map" data-entries="/api/v1/kaart/entries?..." hidden>:
//    the entries with a location become pins with a popup that links to
//    the entry's page, and a line of text says the list is the full view;
//  - the facilitator's entry form, with <fieldset id="kaart-pin"> around
//    the number inputs lat and lon: a click on the map, or dragging the
//    pin, writes them; typing in them moves the pin.
// Nothing happens without a tile source (GET /api/v1/kaart/map says
// "tiles": null) or when anything fails: the div stays hidden and Leaflet
// is not even loaded. Leaflet is served by inspraak itself
// (/static/leaflet/, from npm), so the only requests that may leave the
// origin are the tiles of a --tile-url the operator chose.
//
// The workspace draws its pages with JavaScript, so the form may appear
// after this script ran: a MutationObserver looks for the two elements as
// they come, and each is taken once (data-kaart-map="on").
(() => {
  const lang = document.documentElement.lang === 'en' ? 'en' : 'nl';
  // The Netherlands, when neither the pins nor the tiles say where to look.
  const FALLBACK = { center: [52.2, 5.3], zoom: 7 };

  async function json(url) {
    const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return res.json();
  }

  function load(tag, attrs) {
    return new Promise((resolve, reject) => {
      const el = document.createElement(tag);
      Object.assign(el, attrs);
      el.onload = resolve;
      el.onerror = () => reject(new Error(`${attrs.src || attrs.href} did not load`));
      document.head.appendChild(el);
    });
  }

  async function loadLeaflet() {
    await Promise.all([
      load('link', { rel: 'stylesheet', href: '/static/leaflet/leaflet.css' }),
      load('link', { rel: 'stylesheet', href: '/static/kaart-map.css' }),
      window.L ? null : load('script', { src: '/static/leaflet/leaflet.js' }),
    ]);
    window.L.Icon.Default.imagePath = '/static/leaflet/images/';
    return window.L;
  }

  // Leaflet writes the attribution as HTML: the operator's text is text.
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  function validPoint(lat, lon) {
    return typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) &&
      Number.isFinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
  }

  // A Leaflet map in el with the tiles of cfg, its controls in the page's language.
  function newMap(L, el, cfg, t, label) {
    el.hidden = false;
    el.classList.add('kaart-map');
    const map = L.map(el, {
      zoomControl: false,
      minZoom: cfg.minzoom || 0,
      maxZoom: cfg.maxzoom || 19,
      worldCopyJump: true,
    });
    L.control.zoom({ zoomInTitle: t(lang, 'kaart_map_zoom_in'), zoomOutTitle: t(lang, 'kaart_map_zoom_out') }).addTo(map);
    map.attributionControl.setPrefix('Leaflet');
    const layer = { minZoom: cfg.minzoom || 0, maxZoom: cfg.maxzoom || 19, attribution: escapeHtml(cfg.attribution || '') };
    if (cfg.bounds) layer.bounds = cfg.bounds; // no requests for tiles the file does not have
    L.tileLayer(cfg.tiles, layer).addTo(map);
    // The container takes the keyboard (arrows pan, +/- zoom): say what it is.
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label);
    return map;
  }

  function startView(map, cfg, points, maxZoom) {
    if (points.length) {
      // room above for the pins, which stand 41 px tall on their point
      map.fitBounds(window.L.latLngBounds(points), { paddingTopLeft: [24, 48], paddingBottomRight: [24, 16], maxZoom });
    } else if (cfg.bounds) {
      map.fitBounds(cfg.bounds);
    } else if (cfg.center) {
      map.setView([cfg.center[0], cfg.center[1]], cfg.center[2]);
    } else {
      map.setView(FALLBACK.center, Math.min(FALLBACK.zoom, cfg.maxzoom || 19));
    }
  }

  // The list or an entry: a pin per entry with a location.
  async function showEntries(L, cfg, t, mapEl) {
    const data = await json(mapEl.dataset.entries);
    const entries = Array.isArray(data.entries) ? data.entries : [];
    const placed = entries.filter((e) => validPoint(e.lat, e.lon));
    const note = document.createElement('p');
    note.className = 'kaart-map-note';
    note.id = 'kaart-map-note';
    if (entries.length === 1 && placed.length === 1) note.textContent = t(lang, 'kaart_map_note_one');
    else if (!placed.length) note.textContent = t(lang, 'kaart_map_none');
    else if (placed.length === entries.length) note.textContent = t(lang, 'kaart_map_note_all', { n: placed.length });
    else note.textContent = t(lang, 'kaart_map_note', { n: placed.length, total: entries.length });
    mapEl.before(note);
    if (!placed.length) return; // a map without pins says nothing the list does not
    const map = newMap(L, mapEl, cfg, t, t(lang, 'kaart_map_label'));
    mapEl.setAttribute('aria-describedby', note.id);
    const points = [];
    for (const e of placed) {
      // keyboard: the marker is a focusable button named after the entry;
      // Enter opens its popup, whose link goes to the entry's page
      const marker = L.marker([e.lat, e.lon], { title: e.name, alt: e.name, keyboard: true, riseOnHover: true });
      const box = document.createElement('div');
      const a = document.createElement('a');
      a.href = e.url || `/kaart/${encodeURIComponent(e.id)}`;
      a.textContent = e.name;
      box.appendChild(a);
      if (e.neighbourhood) {
        const p = document.createElement('p');
        p.textContent = e.neighbourhood;
        box.appendChild(p);
      }
      marker.bindPopup(box);
      marker.on('popupopen', () => a.focus());
      marker.addTo(map);
      points.push([e.lat, e.lon]);
    }
    startView(map, cfg, points, Math.min(cfg.maxzoom || 19, 16));
  }

  // The facilitator's form: the pin writes lat and lon, and follows them.
  function placePin(L, cfg, t, pinSet) {
    const latIn = pinSet.querySelector('input[name="lat"]');
    const lonIn = pinSet.querySelector('input[name="lon"]');
    if (!latIn || !lonIn) return;
    const help = document.createElement('p');
    help.className = 'kaart-map-note';
    help.id = 'kaart-pin-help';
    help.textContent = t(lang, 'kaart_map_pin_help');
    const el = document.createElement('div');
    pinSet.append(help, el);
    const map = newMap(L, el, cfg, t, t(lang, 'kaart_map_pin_label'));
    el.setAttribute('aria-describedby', help.id);
    let marker = null;
    const read = () => {
      const lat = latIn.value === '' ? NaN : Number(latIn.value);
      const lon = lonIn.value === '' ? NaN : Number(lonIn.value);
      return validPoint(lat, lon) ? [lat, lon] : null;
    };
    const write = (ll) => {
      latIn.value = ll.lat.toFixed(6);
      lonIn.value = L.Util.wrapNum(ll.lng, [-180, 180], true).toFixed(6);
      for (const input of [latIn, lonIn]) input.dispatchEvent(new Event('change', { bubbles: true }));
    };
    const put = (ll) => {
      if (marker) {
        marker.setLatLng(ll);
        return;
      }
      marker = L.marker(ll, { draggable: true, keyboard: true, title: t(lang, 'kaart_map_pin_marker'), alt: t(lang, 'kaart_map_pin_marker') });
      marker.on('dragend', () => write(marker.getLatLng()));
      marker.addTo(map);
    };
    const start = read();
    if (start) put(start);
    startView(map, cfg, start ? [start] : [], Math.min(cfg.maxzoom || 19, 16));
    map.on('click', (ev) => {
      put(ev.latlng);
      write(ev.latlng);
    });
    const follow = () => {
      const p = read();
      if (!p) return;
      put(p);
      if (!map.getBounds().contains(p)) map.panTo(p);
    };
    latIn.addEventListener('input', follow);
    lonIn.addEventListener('input', follow);
  }

  // The map's config, the words and Leaflet: asked once, when a page has a map.
  let ready = null;
  function prepare() {
    ready = ready || (async () => {
      const [i18n, cfg] = await Promise.all([import('/static/i18n.js'), json('/api/v1/kaart/map')]);
      if (!cfg || typeof cfg.tiles !== 'string' || !cfg.tiles) return null; // no tile source: no map
      return { L: await loadLeaflet(), cfg, t: i18n.t };
    })();
    return ready;
  }

  async function take(el, show) {
    el.dataset.kaartMap = 'on';
    try {
      const r = await prepare();
      if (r) await show(r.L, r.cfg, r.t, el);
    } catch (e) {
      // the list (or the two inputs) stays the whole view
      if (el.id === 'kaart-map') el.hidden = true;
      console.warn('kaart-map:', e.message);
    }
  }

  function scan() {
    const mapEl = document.getElementById('kaart-map');
    if (mapEl && !mapEl.dataset.kaartMap && mapEl.dataset.entries) take(mapEl, showEntries);
    const pinSet = document.getElementById('kaart-pin');
    if (pinSet && !pinSet.dataset.kaartMap) take(pinSet, placePin);
  }

  scan();
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      scan();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
