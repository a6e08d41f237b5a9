// postdrop's browser probe (tests/browser/harness.py): runs in an isolated world after the
// page's load event. It reads URLs back as the browser resolves them, then interacts.
(async (named) => {
  const images = named.map((src) => { try { return new URL(src, document.baseURI).href; } catch (e) { return src; } });
  const urlAttr = (name) => /(^|:)(href|src|srcset|action|formaction|background|poster|data|cite|lowsrc|dynsrc|longdesc|ping|codebase|archive|classid|manifest|icon|profile|usemap)$/i.test(name);
  // as the URL parser reads a scheme: C0 controls and spaces trimmed, tabs and newlines removed
  const bad = (value) => /^(javascript|data|vbscript):/i.test(value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, ""));
  const out = {dangerous: [], anchors: [], images, elements: 0};
  for (const section of document.querySelectorAll("body > section")) {
    const post = section.dataset.post;
    for (const el of section.querySelectorAll("*")) {
      out.elements++;
      for (const attr of el.attributes) {
        if (urlAttr(attr.name) && bad(attr.value)) out.dangerous.push([post, el.localName + "@" + attr.name + "=" + attr.value.slice(0, 120)]);
      }
      if (el.localName === "a" && el.href) out.anchors.push(el.href);
    }
  }
  const pointer = ["pointerover", "pointerenter", "mouseover", "mouseenter", "mousemove", "pointerdown", "mousedown",
                   "pointerup", "mouseup", "focusin", "focus", "blur", "focusout", "mouseleave", "mouseout"];
  for (const el of document.body.querySelectorAll("*")) {
    try { el.focus(); } catch (e) {}
    for (const type of pointer) el.dispatchEvent(new Event(type, {bubbles: true}));
    for (const attr of Array.from(el.attributes)) {
      if (attr.name.toLowerCase().startsWith("on")) el.dispatchEvent(new Event(attr.name.slice(2), {bubbles: true}));
    }
    // a link to an http(s) page is only a request (checked against the anchors); follow the
    // others, where a javascript:, data: or vbscript: URL would run
    const link = "href" in el && typeof el.href === "string" && ["http:", "https:", ":", "mailto:"].includes(el.protocol);
    if (!link) { try { el.click(); } catch (e) {} }
  }
  await new Promise((done) => setTimeout(done, 30));  // followed javascript: URLs run as queued tasks
  return out;
})
