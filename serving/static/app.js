// wenzhai /ui: an editor's view of one page. Posts the text to /analyze and shows, per segment, its
// headline, theme and probability, summary sentences and keywords (the other probabilities and the
// full text folded away); the page summary links to the sentences it took from each segment.
// Plain DOM code, no dependencies. Theme names come from /ui/themes.json (models/themes.py) and the
// request limits from /ui/limits.json (the service's own), so the page keeps no copy of either.
"use strict";

const state = {
  themes: {},
  limits: { max_text_chars: 200000, max_summary_sentences: 20 },
  result: null, // the last /analyze answer, for copy and download
  fileName: null, // the uploaded file's name, for the download's name
  controller: null, // AbortController of the request in flight
  timer: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function themeName(label) {
  if (!label) return "未标注 (no model)";
  const info = state.themes[label];
  return info ? `${info.zh} · ${label}` : label;
}

function percent(x) {
  return `${(100 * x).toFixed(1)}%`;
}

function themeClass(label) {
  return `theme-${label || "none"}`;
}

// ---- status, errors, progress ------------------------------------------------------------------

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

function setStatus(message) {
  $("status").textContent = message;
}

// There is no progress to report from the API (one request, one answer), so the page shows an
// indeterminate bar and the time elapsed: honest, and proof that it is still working.
function startProgress(chars) {
  const started = performance.now();
  $("progress-box").hidden = false;
  $("cancel-button").hidden = false;
  $("analyze-button").disabled = true;
  setStatus(`分析中… analysing ${chars.toLocaleString()} 字`);
  const tick = () => {
    $("elapsed").textContent = `已用 ${((performance.now() - started) / 1000).toFixed(1)} s elapsed`;
  };
  tick();
  state.timer = setInterval(tick, 200);
  return started;
}

function stopProgress() {
  clearInterval(state.timer);
  state.timer = null;
  state.controller = null;
  $("progress-box").hidden = true;
  $("cancel-button").hidden = true;
  $("analyze-button").disabled = false;
}

// ---- the answer --------------------------------------------------------------------------------

// The segment a summary sentence comes from: the one whose input span holds the sentence's start.
function segmentOf(sentence, segments) {
  if (!Array.isArray(sentence.span)) return -1;
  return segments.findIndex((seg) => seg.span[0] <= sentence.span[0] && sentence.span[0] < seg.span[1]);
}

// `text` as plain strings and <mark id="hit-N"> nodes, one per page summary sentence found in it
// (the whole sentence a summary item was cut from, so a compressed item still marks its source).
function withHighlights(text, hits) {
  const found = [];
  for (const hit of hits) {
    const whole = hit.sentence.sentence || hit.sentence.text;
    const at = whole ? text.indexOf(whole) : -1;
    if (at >= 0) found.push([at, at + whole.length, hit]);
  }
  found.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let pos = 0;
  for (const [start, end, hit] of found) {
    if (start < pos) continue; // overlapping match: keep the first
    parts.push(text.slice(pos, start));
    parts.push(el("mark", { id: `hit-${hit.index}`, class: "summary-hit", tabindex: "-1",
      title: `全版摘要第 ${hit.index + 1} 句 page summary sentence ${hit.index + 1}` }, text.slice(start, end)));
    pos = end;
  }
  parts.push(text.slice(pos));
  return parts;
}

function segmentHeading(seg, i) {
  return seg.title || `段落 ${i + 1}（无标题 untitled）`;
}

function drawShares(themes) {
  const bar = $("theme-bar");
  bar.replaceChildren();
  const entries = Object.entries(themes || {}).filter(([, share]) => share > 0);
  if (!entries.length) {
    bar.setAttribute("aria-label", "没有主题模型 no theme model loaded");
    return;
  }
  for (const [label, share] of entries) {
    bar.append(el("span", { class: themeClass(label), style: `width:${percent(share)}`,
      title: `${themeName(label)} ${percent(share)}`, "data-theme": label }));
  }
  bar.setAttribute("aria-label",
    `主题占比 theme shares: ${entries.map(([l, s]) => `${themeName(l)} ${percent(s)}`).join(", ")}`);
}

// Open the segment holding summary sentence `index`, show it if filtered out, and highlight it.
function revealHit(index, segmentNumber) {
  const article = $(`seg-${segmentNumber}`);
  if (!article) return;
  if (article.hidden) applyFilter("all");
  const mark = $(`hit-${index}`);
  const target = mark || article;
  const details = target.closest("details");
  if (details) details.open = true;
  document.querySelectorAll("mark.active").forEach((m) => m.classList.remove("active"));
  if (mark) mark.classList.add("active");
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
}

function drawSummary(summary, segments) {
  const list = $("summary");
  list.replaceChildren();
  if (!summary.length) list.append(el("li", { text: "（无摘要 no summary）" }));
  summary.forEach((sentence, index) => {
    const i = segmentOf(sentence, segments);
    const link = el("a", { href: `#hit-${index}`, class: "summary-link" }, sentence.text);
    if (i >= 0) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        revealHit(index, i + 1);
      });
    }
    const source = i >= 0
      ? el("span", { class: `source ${themeClass(segments[i].theme)}` },
        segments[i].title ? `段落 ${i + 1} · ${segments[i].title}` : `段落 ${i + 1}`)
      : null;
    list.append(el("li", {}, link, " ", source));
  });
}

function keywordList(keywords) {
  if (!keywords || !keywords.length) return el("p", { class: "keywords empty", text: "（无关键词 no keywords）" });
  return el("ul", { class: "keywords", "aria-label": "关键词 keywords" },
    ...keywords.map((word) => el("li", { text: word })));
}

function probabilities(scores) {
  const rows = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const list = el("ul", { class: "probs" });
  for (const [name, p] of rows) {
    list.append(el("li", {},
      el("span", { class: "prob-name", text: themeName(name) }),
      el("meter", { min: "0", max: "1", value: String(p), "aria-label": `${themeName(name)} ${percent(p)}` }),
      el("span", { class: "prob-value", text: percent(p) })));
  }
  return el("details", { class: "probs-box" },
    el("summary", {}, "全部主题概率 ", el("span", { lang: "en", text: "All probabilities" })), list);
}

function drawSegment(seg, i, pageSummary, segments) {
  const number = i + 1;
  const top = seg.scores && seg.theme ? seg.scores[seg.theme] : null;
  const headingId = `seg-${number}-title`;
  const article = el("article", {
    id: `seg-${number}`, class: `segment ${themeClass(seg.theme)}`, tabindex: "0",
    "data-theme": seg.theme || "none",
    "aria-label": `段落 ${number}: ${themeName(seg.theme)}${top === null ? "" : `, ${percent(top)}`}`,
  });
  const heading = el("h3", { id: headingId, class: seg.title ? "seg-title" : "seg-title untitled" }, segmentHeading(seg, i));
  const chip = el("span", { class: "chip", "data-role": "theme" },
    themeName(seg.theme), top === null ? null : el("span", { class: "chip-prob", text: ` ${percent(top)}` }));
  const meta = el("p", { class: "seg-meta" }, chip,
    seg.secondary && seg.secondary.length
      ? el("span", { class: "secondary", text: `次要 secondary: ${seg.secondary.map(themeName).join("、")}` })
      : null);
  article.append(heading, meta);

  if (seg.summary && seg.summary.length) {
    article.append(el("h4", { class: "label", text: "摘要 Summary" }),
      el("ul", { class: "seg-summary" }, ...seg.summary.map((s) => el("li", { text: s.text }))));
  }
  article.append(el("h4", { class: "label", text: "关键词 Keywords" }), keywordList(seg.keywords));
  if (seg.scores) article.append(probabilities(seg.scores));

  const hits = pageSummary.map((sentence, index) => ({ sentence, index }))
    .filter((hit) => segmentOf(hit.sentence, segments) === i);
  const short = !(seg.summary && seg.summary.length); // no summary of its own: the text is the summary
  article.append(el("details", { class: "fulltext", open: short },
    el("summary", {}, `全文 Full text · ${seg.text.length.toLocaleString()} 字`),
    el("p", { class: "seg-text" }, ...withHighlights(seg.text, hits))));
  return article;
}

function drawSegments(segments, summary) {
  $("segments").replaceChildren(...segments.map((seg, i) => drawSegment(seg, i, summary, segments)));
}

function applyFilter(label) {
  const articles = [...document.querySelectorAll("#segments .segment")];
  let shown = 0;
  for (const article of articles) {
    article.hidden = label !== "all" && article.dataset.theme !== label;
    if (!article.hidden) shown += 1;
  }
  const radio = document.querySelector(`#filter-options input[value="${label}"]`);
  if (radio) radio.checked = true;
  $("filter-status").textContent = `显示 ${shown} / ${articles.length} 段 showing ${shown} of ${articles.length} segments`;
}

function drawFilter(segments) {
  const counts = new Map();
  for (const seg of segments) counts.set(seg.theme || "none", (counts.get(seg.theme || "none") || 0) + 1);
  const option = (value, text, count) => el("label", { class: `filter-option ${value === "all" ? "" : themeClass(value)}` },
    el("input", { type: "radio", name: "theme-filter", value, checked: value === "all" }),
    value === "all" ? null : el("span", { class: "swatch", "aria-hidden": "true" }),
    `${text} (${count})`);
  const options = [option("all", "全部 All", segments.length)];
  for (const [label, count] of counts) options.push(option(label, themeName(label === "none" ? null : label), count));
  $("filter-options").replaceChildren(...options);
  applyFilter("all");
}

function drawLanguage(language) {
  const box = $("language-notice");
  const notice = language && language.notice;
  box.textContent = notice ? `注意 notice: ${notice}` : "";
  box.hidden = !notice;
}

function draw(data) {
  const summary = data.summary || [];
  drawLanguage(data.language);
  drawSummary(summary, data.segments);
  drawShares(data.themes);
  drawSegments(data.segments, summary);
  drawFilter(data.segments);
  $("model-info").textContent =
    `模型 model: ${data.model.name} ${data.model.version} · ${data.segments.length} 段 segments`;
}

// ---- actions -----------------------------------------------------------------------------------

// What is wrong with the form, in the API's words (field: what is allowed), or "" when nothing.
function formProblem(text, sentences) {
  if (!text.trim()) return "text: is empty; paste a page or upload a .txt file";
  if (text.length > state.limits.max_text_chars) {
    return `text: ${text.length.toLocaleString()} characters is over the limit of ${state.limits.max_text_chars.toLocaleString()}`;
  }
  const max = state.limits.max_summary_sentences;
  if (!/^\d+$/.test(sentences) || Number(sentences) > max) return `summary_sentences: give a whole number from 0 to ${max}`;
  return "";
}

async function analyze(event) {
  if (event) event.preventDefault();
  if (state.controller) return; // one request at a time; Cancel stops it
  showError(""); // a new submit never leaves the last error on screen
  const text = $("text").value;
  const sentences = $("summary-sentences").value.trim();
  const problem = formProblem(text, sentences);
  $("text").setAttribute("aria-invalid", problem.startsWith("text") ? "true" : "false");
  if (problem) {
    setStatus("");
    showError(`无法提交 cannot submit: ${problem}`);
    return;
  }
  state.controller = new AbortController();
  const started = startProgress(text.length);
  try {
    const response = await fetch("/analyze", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, summary_sentences: Number(sentences) }),
      signal: state.controller.signal,
    });
    const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    state.result = data;
    draw(data);
    $("results").hidden = false;
    setStatus(`完成 done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    $("results").focus();
  } catch (err) {
    if (err.name === "AbortError") {
      setStatus("已取消 cancelled (the page stopped waiting; earlier results are kept)");
    } else {
      setStatus("");
      showError(`出错 error: ${err.message}`);
    }
  } finally {
    stopProgress();
  }
}

function cancel() {
  if (state.controller) state.controller.abort();
}

function resultJson() {
  return JSON.stringify(state.result, null, 2);
}

async function copyJson() {
  if (!state.result) return;
  try {
    await navigator.clipboard.writeText(resultJson());
    setStatus("已复制 JSON copied to the clipboard");
  } catch (_) {
    showError("无法复制 cannot copy here (the browser refused the clipboard); use Download");
  }
}

function downloadJson() {
  if (!state.result) return;
  const blob = new Blob([resultJson()], { type: "application/json;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const base = (state.fileName || "page.txt").replace(/\.[^.]*$/, "");
  const link = el("a", { href: url, download: `${base}.wenzhai.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function countChars() {
  $("text-count").textContent = $("text").value.length.toLocaleString();
}

function readFile() {
  const file = this.files && this.files[0];
  if (!file) return;
  showError("");
  if (!/\.txt$/i.test(file.name) && file.type !== "text/plain") {
    showError(`file: ${file.name} is not a .txt file; save the page as UTF-8 plain text first`);
    this.value = "";
    return;
  }
  const reader = new FileReader();
  reader.onload = () => {
    $("text").value = reader.result;
    state.fileName = file.name;
    countChars();
    setStatus(`已读取 loaded ${file.name} (${reader.result.length.toLocaleString()} 字)`);
  };
  reader.onerror = () => showError(`无法读取文件 cannot read ${file.name}`);
  reader.readAsText(file, "utf-8");
}

async function loadJson(url) {
  try {
    const response = await fetch(url);
    return response.ok ? await response.json() : null;
  } catch (_) {
    return null; // names fall back to the labels, limits to the defaults above
  }
}

async function loadSettings() {
  const [themes, limits] = await Promise.all([loadJson("/ui/themes.json"), loadJson("/ui/limits.json")]);
  if (themes) state.themes = themes;
  if (limits) state.limits = limits;
  $("summary-sentences").max = String(state.limits.max_summary_sentences);
  $("text-limit").textContent = state.limits.max_text_chars.toLocaleString();
}

document.addEventListener("DOMContentLoaded", () => {
  loadSettings();
  $("analyze-form").addEventListener("submit", analyze);
  $("cancel-button").addEventListener("click", cancel);
  $("copy-json").addEventListener("click", copyJson);
  $("download-json").addEventListener("click", downloadJson);
  $("file").addEventListener("change", readFile);
  $("filter-options").addEventListener("change", (event) => applyFilter(event.target.value));
  $("text").addEventListener("input", countChars);
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) analyze(event);
  });
});
