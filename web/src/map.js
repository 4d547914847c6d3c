// The map of /map: Leaflet over the country outlines of Natural Earth (/static/lib/
// europe.geojson, built by build.mjs; no tile server, nothing from another origin). It draws a
// marker for each place of the page's list (li.place with data-lat and data-lon); a marker's
// popup is a copy of the place's entry (name, address, services). The place named by
// ?location= (data-focus) is opened. Without this script the page is the list itself.
import L from "leaflet";

function popupOf(place) {
  // a copy of the place's entry; its heading becomes a title (the popup sits above the list's
  // headings, so a heading there would break their order)
  const div = document.createElement("div");
  div.className = "popup";
  for (const child of place.children) {
    const copy = child.cloneNode(true);
    if (copy.tagName === "H3") {
      const title = document.createElement("p");
      title.className = "popup-title";
      title.append(...copy.childNodes);
      div.append(title);
    } else div.append(copy);
  }
  return div;
}

async function draw(frame) {
  L.Icon.Default.imagePath = "/static/lib/images/"; // served by the hub (CSP img-src 'self')
  const places = [...document.querySelectorAll("li.place[data-lat]")];
  if (!places.length) return;
  const el = document.createElement("div");
  el.id = "map";
  el.setAttribute("role", "region");
  el.setAttribute("aria-label", frame.dataset.label || "");
  frame.append(el);
  // no fade: a popup is readable (and checked) at once, and nothing moves for people who asked
  // for less motion
  const map = L.map(el, { attributionControl: false, zoomSnap: 0.5, fadeAnimation: false });
  const markers = new Map();
  for (const place of places) {
    const at = [Number(place.dataset.lat), Number(place.dataset.lon)];
    const marker = L.marker(at, { title: place.dataset.name, alt: place.dataset.name });
    marker.bindPopup(() => popupOf(place),
      { maxHeight: 260, maxWidth: 240, minWidth: 180, autoPanPaddingTopLeft: [50, 10] });
    marker.addTo(map);
    marker.getElement()?.classList.add(`marker-${place.id}`);
    markers.set(place.id.slice("loc-".length), marker);
  }
  map.fitBounds(L.latLngBounds(places.map((p) => [Number(p.dataset.lat), Number(p.dataset.lon)])),
    { padding: [16, 16] });
  const focused = markers.get(frame.dataset.focus || "");
  if (focused) { // the link's #loc-… scrolled to the list entry: show the map, opened there
    map.setView(focused.getLatLng(), 9);
    focused.openPopup();
    const show = () => el.scrollIntoView({ block: "start" });
    if (document.readyState === "complete") show(); // else after the browser's own scroll
    else window.addEventListener("load", () => setTimeout(show, 0));
  }
  try {
    const outlines = await (await fetch("/static/lib/europe.geojson")).json();
    L.geoJSON(outlines, {
      interactive: false,
      style: { color: "#7a8a99", weight: 1, fillColor: "#eef2f5", fillOpacity: 1 },
    }).addTo(map).bringToBack();
  } catch {
    // the markers and the list stand without the outlines
  }
}

const frame = document.getElementById("map-frame");
if (frame) draw(frame);
