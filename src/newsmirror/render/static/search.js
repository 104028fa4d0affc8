// Search on the static site: Pagefind, with the index in shards listed by pagefind/shards.json.
// The query is folded and cut into the index's terms as search/query.py does, and each term is
// looked up in the pages' hidden terms (render/search_terms.py), so the site finds the articles
// `newsmirror search` finds. Results are built with DOM methods and textContent.

const PAGE = 30; // results shown at a time
// As search/query.py: the query's length, its terms, and the characters of each.
const MAX_CHARS = 1000;
const MAX_TERMS = 16;
const MAX_TERM_CHARS = 64;
const SNIPPET_CHARS = 120; // as search/snippets.py
const CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af";
const CJK = `[${CJK_RANGES}]`;
const RUN = new RegExp(`(${CJK}+)`, "u");
const CJK_SPACE = new RegExp(`(?<=${CJK})\\s+(?=${CJK})`, "gu");
const LATIN = `(?:(?!${CJK})[\\p{L}\\p{N}])`; // a letter or digit of a word (not CJK)
const PIECE = new RegExp(`${CJK}+|${LATIN}+`, "gu");
const WORD = /[\p{L}\p{N}]+/gu;
const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;
const CHUNK = /(-?)"([^"]*)"?|(-?)([^\s"]+)/g;
const QUOTES = { "“": '"', "”": '"', "＂": '"', "－": "-" };
const SKIPPED = new Set(["AND", "OR", "NEAR"]);

const list = document.getElementById("search-results");
const status = document.getElementById("search-status");
const query = (new URLSearchParams(location.search).get("q") || "").trim().slice(0, 500);
const folding = new Map(); // character -> what search/text.py's fold makes of it (fold.json)

function say(text) {
  status.textContent = text;
}

// search/text.py's fold, character for character: simplified, lower case, compatibility forms
// as the letter or digit they stand for. As long as the text (in code points).
function fold(text) {
  let out = "";
  for (const c of text) out += folding.get(c) ?? (c.length > 1 ? c.toLowerCase() : c);
  return out;
}

function hasTerms(text) {
  return /[\p{L}\p{N}]/u.test(text);
}

function words(text) {
  return (text.normalize("NFD").replace(MARKS, "").match(WORD) || []).join(" ");
}

function bigrams(run) {
  const chars = [...run];
  return chars.slice(1).map((c, n) => chars[n] + c).join(" ");
}

// search/text.py's query_terms: the index terms of one query term, and whether the last is a
// prefix (a final lone Chinese character begins some term).
function queryTerms(folded) {
  const pieces = folded.split(RUN); // text, run, text, run, ..., text
  const last = pieces.length > 1 && !hasTerms(pieces.at(-1)) ? pieces.length - 2 : -1;
  const out = pieces.map((piece, n) => {
    if (n % 2 === 0) return words(piece);
    if (n === last) return bigrams(piece) || piece;
    return `${bigrams(piece)} ${[...piece].at(-1)}`;
  });
  const terms = out.join(" ").split(/\s+/).filter(Boolean);
  return { terms, prefix: last > 0 && [...pieces[last]].length === 1 };
}

function term(text, phrase) {
  let folded = fold([...text].slice(0, MAX_TERM_CHARS).join(""));
  if (phrase) folded = folded.replace(CJK_SPACE, "");
  return hasTerms(folded) ? { text: folded, ...queryTerms(folded) } : null;
}

// search/query.py's parse_query: words and "phrases" to find, -word and NOT word to exclude.
function parse(text) {
  const include = new Map();
  const exclude = new Map();
  let negateNext = false;
  const typed = text.slice(0, MAX_CHARS).replace(/[“”＂－]/g, (c) => QUOTES[c]);
  for (const [, minus, quoted, wordMinus, word] of typed.matchAll(CHUNK)) {
    if (word !== undefined && !wordMinus && SKIPPED.has(word)) continue;
    if (word === "NOT" && !wordMinus) {
      negateNext = true;
      continue;
    }
    const found = term(quoted === undefined ? word : quoted, quoted !== undefined);
    const negated = Boolean(minus || wordMinus) || negateNext;
    negateNext = false;
    if (!found || include.size + exclude.size >= MAX_TERMS) continue;
    const key = found.terms.join(" ") + (found.prefix ? "*" : "");
    const chosen = negated ? exclude : include;
    if (!chosen.has(key)) chosen.set(key, found);
  }
  return { include: [...include.values()], exclude: [...exclude.values()] };
}

// An index term as the page holds it (render/search_terms.py): its UTF-16 code units in hex,
// then "z" unless it is a prefix.
function encoded(text, prefix) {
  let hex = "";
  for (let n = 0; n < text.length; n++) hex += text.charCodeAt(n).toString(16).padStart(4, "0");
  return hex + (prefix ? "" : "z");
}

// Page id -> the positions of one index term in the page, newest page first. Pagefind answers a
// word that a shard lacks with all of that shard's pages, with no positions: those are dropped.
async function positions(pagefind, token) {
  const found = await pagefind.search(token, { sort: { date: "desc" } });
  return new Map(found.results.filter((r) => r.words.length).map((r) => [r.id, r]));
}

// Page id -> result, of the pages where the term's index terms stand in a row.
async function matching(pagefind, found) {
  const last = found.terms.length - 1;
  const tokens = found.terms.map((t, n) => encoded(t, found.prefix && n === last));
  const each = await Promise.all(tokens.map((token) => positions(pagefind, token)));
  const pages = new Map();
  for (const [id, result] of each[0]) {
    const sets = each.map((found) => new Set(found.get(id)?.words || []));
    if (sets.some((s) => !s.size)) continue;
    if (result.words.some((p) => sets.every((s, n) => s.has(p + n)))) pages.set(id, result);
  }
  return pages;
}

// The pages that have every term to include and none to exclude, newest first.
async function find(pagefind, parsed) {
  if (!parsed.include.length) return [];
  const included = await Promise.all(parsed.include.map((t) => matching(pagefind, t)));
  const excluded = await Promise.all(parsed.exclude.map((t) => matching(pagefind, t)));
  return [...included[0].entries()]
    .filter(([id]) => included.every((m) => m.has(id)) && !excluded.some((m) => m.has(id)))
    .map(([, result]) => result);
}

// search/snippets.py: the folded terms' pieces in order, anything but letters and digits between
// them; whole words only.
function highlighter(terms) {
  const patterns = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((t) =>
      (plain(t).match(PIECE) || [])
        .map((piece) => {
          const escaped = piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          return new RegExp(`^${CJK}`, "u").test(piece) ? escaped : `(?<!${LATIN})${escaped}(?!${LATIN})`;
        })
        .join("[^\\p{L}\\p{N}]*"),
    )
    .filter(Boolean);
  return patterns.length ? new RegExp(patterns.map((p) => `(?:${p})`).join("|"), "gu") : null;
}

// Without diacritics, one character for one.
function plain(text) {
  return text.replace(/[\u00c0-\u024f\u1e00-\u1eff]/gu, (c) => {
    const d = c.normalize("NFD");
    return /^.\p{M}*$/u.test(d) ? d[0] : c;
  });
}

// [text, marked] pieces of about SNIPPET_CHARS characters of the text around the first match.
function snippet(text, pattern) {
  const shown = [...text.replace(/\s+/g, " ").trim()];
  const key = plain(fold(shown.join("")));
  const spans = [];
  if (pattern && [...key].length === shown.length) {
    // Code unit offsets to code point positions.
    const at = [];
    let unit = 0;
    [...key].forEach((c, n) => {
      at[unit] = n;
      unit += c.length;
    });
    at[unit] = shown.length;
    for (const m of key.matchAll(pattern)) {
      if (m[0]) spans.push([at[m.index], at[m.index + m[0].length]]);
    }
  }
  const first = spans.length ? spans[0][0] - SNIPPET_CHARS / 4 : 0;
  const start = Math.max(0, Math.min(first, shown.length - SNIPPET_CHARS));
  const end = Math.min(shown.length, start + SNIPPET_CHARS);
  const pieces = start > 0 ? [["…", false]] : [];
  let position = start;
  for (let [a, b] of spans) {
    [a, b] = [Math.max(a, position), Math.min(b, end)];
    if (a >= b) continue;
    if (a > position) pieces.push([shown.slice(position, a).join(""), false]);
    pieces.push([shown.slice(a, b).join(""), true]);
    position = b;
  }
  if (position < end) pieces.push([shown.slice(position, end).join(""), false]);
  if (end < shown.length) pieces.push(["…", false]);
  return pieces;
}

// A page's address relative to this page (the site may live under any sub-path). Pagefind gives
// "/articles/..." unencoded, from the baseUrl each shard was loaded with.
function link(url) {
  const root = (list.dataset.root || "").replace(/[^/]*$/, "");
  return root + url.replace(/^\/+/, "").split("/").map(encodeURIComponent).join("/");
}

// The snippet's pieces as text: nothing from the pages is parsed as HTML.
function excerpt(pieces) {
  const p = document.createElement("p");
  p.className = "snippet";
  for (const [text, marked] of pieces) {
    if (marked) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      p.append(mark);
    } else {
      p.append(text);
    }
  }
  return p;
}

function hit(data, pattern) {
  const item = document.createElement("li");
  const title = document.createElement("a");
  title.href = link(data.url);
  title.textContent = data.meta.title || data.url;
  item.append(title);
  if (data.meta.status === "removed") {
    const mark = document.createElement("span");
    mark.className = "mark removed";
    mark.textContent = "已删除";
    item.append(" ", mark);
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = [data.meta.source, data.meta.date].filter(Boolean).join(" · ");
  item.append(meta, excerpt(snippet(data.meta.text || "", pattern)));
  return item;
}

async function open() {
  const listing = new URL(list.dataset.pagefind, document.baseURI);
  const response = await fetch(listing);
  if (!response.ok) throw new Error(`${listing}: HTTP ${response.status}`);
  const shards = (await response.json()).shards;
  if (!shards.length) return null;
  // Each shard's links are relative to the folder it indexed; the tag lets browsers cache it.
  const options = (shard) => ({ baseUrl: `/${shard.site}/`, metaCacheTag: shard.digest });
  const base = (shard) => new URL(`${encodeURIComponent(shard.name)}/`, listing).href;
  const pagefind = await import(`${base(shards[0])}pagefind.js`);
  await pagefind.options(options(shards[0]));
  // Pagefind splits queries itself, with Intl.Segmenter, when the page's language is Chinese;
  // the terms are hex. Pagefind reads <html lang> once, as init() starts, for all shards.
  const root = document.documentElement;
  const lang = root.lang;
  root.lang = "und";
  const started = pagefind.init();
  root.lang = lang;
  await started;
  const merged = (shard) => pagefind.mergeIndex(base(shard), { ...options(shard), language: "und" });
  await Promise.all(shards.slice(1).map(merged));
  return pagefind;
}

async function loadFolding() {
  const table = new URL(list.dataset.fold, document.baseURI);
  const response = await fetch(table);
  if (!response.ok) throw new Error(`${table}: HTTP ${response.status}`);
  const pairs = [...(await response.json())];
  for (let n = 0; n + 1 < pairs.length; n += 2) folding.set(pairs[n], pairs[n + 1]);
}

async function show(results, from, pattern) {
  const page = await Promise.all(results.slice(from, from + PAGE).map((r) => r.data()));
  list.append(...page.map((data) => hit(data, pattern)));
  if (from + PAGE < results.length) {
    const more = document.createElement("button");
    more.type = "button";
    more.textContent = "更多 More";
    more.addEventListener("click", () => {
      more.remove();
      show(results, from + PAGE, pattern).catch(failed);
    });
    list.after(more);
  }
}

function failed(error) {
  say("搜索出错。Search failed.");
  console.error(error);
}

async function main() {
  for (const input of document.querySelectorAll('input[name="q"]')) input.value = query;
  if (!query) return;
  document.title = `${query} · ${document.title}`;
  say("正在搜索… Searching…");
  const [pagefind] = await Promise.all([open(), loadFolding()]);
  const parsed = parse(query);
  const results = pagefind ? await find(pagefind, parsed) : [];
  if (!results.length) {
    say(`没有找到“${query}”。Nothing found.`);
    return;
  }
  await show(results, 0, highlighter(parsed.include.map((t) => t.text)));
  say(`“${query}”：${results.length} 篇 results`);
}

main().catch(failed);
