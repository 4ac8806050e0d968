// wenzhai /ui: posts the page to /analyze and draws segments, theme shares and the summary.
// Plain DOM code, no dependencies. Theme names come from /ui/themes.json (models/themes.py).
"use strict";

const state = { themes: {} };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
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

// Split `text` into plain strings and <mark> nodes for every summary sentence found in it.
function withHighlights(text, sentences) {
  const hits = [];
  for (const sentence of sentences) {
    const at = text.indexOf(sentence.text);
    if (sentence.text && at >= 0) hits.push([at, at + sentence.text.length, sentence]);
  }
  hits.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let pos = 0;
  for (const [start, end, sentence] of hits) {
    if (start < pos) continue; // overlapping match: keep the first
    parts.push(text.slice(pos, start));
    parts.push(el("mark", { class: "summary-hit", title: `摘要句 summary sentence (score ${sentence.score})` },
      text.slice(start, end)));
    pos = end;
  }
  parts.push(text.slice(pos));
  return parts;
}

// The segment a summary sentence belongs to: the one whose input span holds its start.
function segmentOf(sentence, segments) {
  if (!Array.isArray(sentence.span)) return -1;
  return segments.findIndex((seg) => seg.span[0] <= sentence.span[0] && sentence.span[0] < seg.span[1]);
}

function drawShares(themes) {
  const bar = document.getElementById("theme-bar");
  const legend = document.getElementById("theme-legend");
  bar.replaceChildren();
  legend.replaceChildren();
  const entries = Object.entries(themes || {});
  if (!entries.length) {
    legend.append(el("li", { text: "没有主题模型，未标注主题 (no theme model loaded)" }));
    bar.setAttribute("aria-label", "no theme shares");
    return;
  }
  const words = [];
  for (const [label, share] of entries) {
    const colour = `var(--theme-${label}, var(--theme-none))`;
    bar.append(el("span", { style: `width:${percent(share)};background:${colour}`, title: `${themeName(label)} ${percent(share)}`, "data-theme": label }));
    legend.append(el("li", { "data-theme": label },
      el("span", { class: "swatch", style: `background:${colour}`, "aria-hidden": "true" }),
      `${themeName(label)} ${percent(share)}`));
    words.push(`${themeName(label)} ${percent(share)}`);
  }
  bar.setAttribute("aria-label", `主题占比 theme shares: ${words.join(", ")}`);
}

function drawSummary(summary) {
  const list = document.getElementById("summary");
  list.replaceChildren();
  if (!summary.length) list.append(el("li", { text: "（无摘要 no summary）" }));
  for (const sentence of summary) list.append(el("li", { text: sentence.text }));
}

function drawSegments(segments, summary) {
  const box = document.getElementById("segments");
  box.replaceChildren();
  segments.forEach((seg, i) => {
    const own = summary.filter((s) => segmentOf(s, segments) === i);
    const loose = summary.filter((s) => segmentOf(s, segments) === -1);
    const label = seg.theme || "none";
    const top = seg.scores ? seg.scores[seg.theme] : null;
    const head = el("header", {},
      el("span", { class: "chip", "data-role": "theme" }, themeName(seg.theme)),
      top === null ? "" : el("span", { class: "top-prob" }, `p = ${top.toFixed(3)}`));
    if (seg.secondary && seg.secondary.length) {
      head.append(el("span", { class: "secondary" }, `次要 secondary: ${seg.secondary.map(themeName).join("、")}`));
    }
    const article = el("article", {
      class: `segment theme-${label}`, tabindex: "0", "data-theme": label,
      "aria-label": `段落 ${i + 1}: ${themeName(seg.theme)}${top === null ? "" : `, ${percent(top)}`}`,
    }, head);
    if (seg.title) article.append(el("h4", { text: seg.title }));
    if (seg.scores) {
      const probs = el("div", { class: "probs", "aria-label": "各主题概率 theme probabilities" });
      for (const [name, p] of Object.entries(seg.scores).sort((a, b) => b[1] - a[1])) {
        probs.append(el("span", {}, themeName(name)),
          el("meter", { min: "0", max: "1", value: String(p), "aria-label": `${themeName(name)} ${percent(p)}` }),
          el("span", {}, percent(p)));
      }
      article.append(probs);
    }
    article.append(el("p", { class: "seg-text" }, ...withHighlights(seg.text, own.concat(loose))));
    box.append(article);
  });
}

function showError(message) {
  const box = document.getElementById("error");
  box.textContent = message;
  box.hidden = !message;
}

async function analyze(event) {
  if (event) event.preventDefault();
  const text = document.getElementById("text").value;
  const sentences = Number(document.getElementById("summary-sentences").value || 0);
  const button = document.getElementById("analyze-button");
  const status = document.getElementById("status");
  showError("");
  button.disabled = true;
  status.textContent = "分析中… analysing";
  const started = performance.now();
  try {
    const response = await fetch("/analyze", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, summary_sentences: sentences }),
    });
    const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    const summary = data.summary || [];
    drawShares(data.themes);
    drawSummary(summary);
    drawSegments(data.segments, summary);
    document.getElementById("model-info").textContent =
      `模型 model: ${data.model.name} ${data.model.version} · ${data.segments.length} 段 segments`;
    const results = document.getElementById("results");
    results.hidden = false;
    status.textContent = `完成 done in ${((performance.now() - started) / 1000).toFixed(2)} s`;
    results.focus();
  } catch (err) {
    status.textContent = "";
    showError(`出错 error: ${err.message}`);
  } finally {
    button.disabled = false;
  }
}

function readFile() {
  const file = this.files && this.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    document.getElementById("text").value = reader.result;
    document.getElementById("status").textContent = `已读取 loaded ${file.name}`;
  };
  reader.onerror = () => showError(`无法读取文件 cannot read ${file.name}`);
  reader.readAsText(file, "utf-8");
}

async function loadThemes() {
  try {
    const response = await fetch("/ui/themes.json");
    if (response.ok) state.themes = await response.json();
  } catch (_) {
    // names fall back to the labels
  }
}

document.addEventListener("DOMContentLoaded", () => {
  loadThemes();
  document.getElementById("analyze-form").addEventListener("submit", analyze);
  document.getElementById("file").addEventListener("change", readFile);
  document.getElementById("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) analyze(event);
  });
});
