// Search on the static site: Pagefind, with the index in shards listed by pagefind/shards.json.
// Results are built with DOM methods and textContent: nothing from the pages is parsed as HTML.

const PAGE = 30; // results shown at a time
const HAN = /\p{Script=Han}/u;
const ONE_HAN = /^\p{Script=Han}$/u;

const list = document.getElementById("search-results");
const status = document.getElementById("search-status");
const query = (new URLSearchParams(location.search).get("q") || "").trim().slice(0, 500);

function say(text) {
  status.textContent = text;
}

// The query's words. The index holds Chinese as dictionary words (Pagefind's segmenter), and a
// word matches the index words it begins. Intl.Segmenter splits the query with another
// dictionary: it cuts the names it does not know (普京, 美联储) into single characters, so runs
// of single characters are joined again. Without Intl.Segmenter: each run of Han characters.
function words(text) {
  const pieces = [];
  if (typeof Intl.Segmenter === "function") {
    const segmenter = new Intl.Segmenter("zh", { granularity: "word" });
    for (const s of segmenter.segment(text)) pieces.push(s.isWordLike ? s.segment : " ");
  } else {
    for (const part of text.split(/\s+/)) pieces.push(...characters(part), " ");
  }
  const joined = [];
  let single = false;
  for (const piece of pieces) {
    if (piece === " ") {
      single = false;
    } else if (single && ONE_HAN.test(piece)) {
      joined[joined.length - 1] += piece;
    } else {
      joined.push(piece);
      single = ONE_HAN.test(piece);
    }
  }
  return joined;
}

// Every Han character alone: where the segmenter knew no word (traditional characters, for one)
// the index holds single characters.
function characters(text) {
  return text
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .replace(/\p{Script=Han}/gu, " $& ")
    .split(/\s+/)
    .filter(Boolean);
}

// The pages that have every word, those with the words in a row first. Pagefind drops a word
// that an index (each shard) lacks rather than find nothing, so each word is also searched
// alone and the results intersected.
async function every(pagefind, terms) {
  if (!terms.length) return [];
  const all = (await pagefind.search(terms.join(" "))).results;
  if (terms.length < 2 || !all.length) return all;
  const alone = await Promise.all(terms.map((term) => pagefind.search(term)));
  const found = alone.map((search) => new Set(search.results.map((r) => r.id)));
  const results = all.filter((r) => found.every((ids) => ids.has(r.id)));
  const phrase = (await pagefind.search(`"${terms.join(" ")}"`)).results;
  const first = new Set(phrase.map((r) => r.id));
  return [...results.filter((r) => first.has(r.id)), ...results.filter((r) => !first.has(r.id))];
}

async function find(pagefind) {
  const results = await every(pagefind, words(query));
  return results.length || !HAN.test(query) ? results : every(pagefind, characters(query));
}

// A page's address relative to this page (the site may live under any sub-path). Pagefind gives
// "/articles/..." unencoded, from the baseUrl each shard was loaded with.
function link(url) {
  const root = (list.dataset.root || "").replace(/[^/]*$/, "");
  return root + url.replace(/^\/+/, "").split("/").map(encodeURIComponent).join("/");
}

// Pagefind's excerpt is the page's text with < and > escaped and matches in <mark>: split on the
// marks and put each piece in as text.
function excerpt(html) {
  const p = document.createElement("p");
  p.className = "snippet";
  let marked = false;
  for (const piece of html.split(/(<\/?mark>)/)) {
    if (piece === "<mark>" || piece === "</mark>") {
      marked = piece === "<mark>";
      continue;
    }
    const text = piece.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    if (!text) continue;
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

function hit(data) {
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
  item.append(meta, excerpt(data.excerpt || ""));
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
  // words() does it better. Pagefind reads <html lang> once, as init() starts, for all shards.
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

async function show(results, from) {
  const page = await Promise.all(results.slice(from, from + PAGE).map((r) => r.data()));
  list.append(...page.map(hit));
  if (from + PAGE < results.length) {
    const more = document.createElement("button");
    more.type = "button";
    more.textContent = "更多 More";
    more.addEventListener("click", () => {
      more.remove();
      show(results, from + PAGE).catch(failed);
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
  const pagefind = await open();
  const results = pagefind ? await find(pagefind) : [];
  if (!results.length) {
    say(`没有找到“${query}”。Nothing found.`);
    return;
  }
  await show(results, 0);
  say(`“${query}”：${results.length} 篇 results`);
}

main().catch(failed);
