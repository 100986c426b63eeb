"""Hostile payloads and a bucket that carries them in every rendered field.

Every payload tries to run code or reach a marker URL; a test passes only if the browser shows no
dialog, requests nothing under MARKER and finds no live script or handler of the payloads.
"""
from __future__ import annotations

import json
from pathlib import Path

MARKER = "/__pwned__"

PAYLOADS = [
    "<script>alert('p01')</script>",
    "<img src=x onerror=alert('p02')>",
    "<svg onload=alert('p03')>",
    "<body onload=alert('p04')>",
    "<iframe src=\"javascript:alert('p05')\"></iframe>",
    "[p06](javascript:alert('p06'))",
    "<a href=\"javascript:alert('p07')\">p07</a>",
    "<a href=\"JaVaScRiPt:alert('p08')\">p08</a>",
    "<a href=\"java\tscript:alert('p09')\">p09</a>",
    "</script><script>alert('p10')</script>",
    "</textarea><script>alert('p11')</script>",
    "\"><script>alert('p12')</script>",
    "'><img src=x onerror=alert('p13')>",
    "{{ 7*7 }}{{ config }}{% for x in range(3) %}p14{% endfor %}",
    "${alert('p15')}",
    "<img src=\"" + MARKER + "/p16\">",
    "![p17](" + MARKER + "/p17)",
    "<link rel=stylesheet href=\"" + MARKER + "/p18\">",
    "<object data=\"javascript:alert('p19')\"></object>",
    "<embed src=\"javascript:alert('p20')\">",
    "<details open ontoggle=alert('p21')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('p22')>",
    "<a href=\"data:text/html,<script>alert('p23')</script>\">p23</a>",
    "<form action=\"" + MARKER + "/p24\"><button>p24</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=" + MARKER + "/p25\">",
    "<base href=\"" + MARKER + "/p26/\">",
    "<div style=\"background:url(" + MARKER + "/p27)\">p27</div>",
    "<input autofocus onfocus=alert('p28')>",
    "<video><source onerror=alert('p29')></video>",
    "<!--<img src=\"--><img src=x onerror=alert('p30')>-->",
    "<scr<script>ipt>alert('p31')</scr</script>ipt>",
    "\\u003cscript\\u003ealert('p32')\\u003c/script\\u003e",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('p33')>\">",
    "<a href=\"" + MARKER + "/p34\" ping=\"" + MARKER + "/p34ping\">p34</a>",
    "<marquee onstart=alert('p35')>p35</marquee>",
    "p36[^1]\n\n[^1]: <img src=x onerror=alert('p36')>",
    "p37[^\"><svg/onload=alert('p37')>]\n\n[^\"><svg/onload=alert('p37')>]: note",
    "> [!WARNING]\n> <img src=x onerror=alert('p38')><a href=\"javascript:alert('p38')\">p38</a>",
    "<a id=\"fn-00000000-1\" href=\"#fn-1\" onclick=\"alert('p39')\">p39</a>",
    "<img src=\"http://[p40\" onerror=alert('p40')><a href=\"http://[p40\">p40</a>",   # unreadable URLs
    # a heading's text becomes its id and its permalink's label; a link to it is rewritten
    "## p41 \"><svg/onload=alert('p41')> &quot;x' onmouseover=alert(1)\n\n"
    "[p41](#p41-svgonloadalertp41-x-onmouseoveralert1 \"onclick=alert('p41')\")",
    # a spreadsheet formula, for the CSV files (the site's and a view's download)
    "=HYPERLINK(\"" + MARKER + "/p42\",\"p42\")",
    # pasted terminal output: colours, a window title, a bell, a form feed, a noncharacter (none
    # of them may stay in an XML feed, or a reader drops the whole feed)
    "\x1b[31mp43\x1b[0m \x1b]0;p43 title\x07 bell\x07 page\x0c\x08 \ufffe\x7f\x85",
]


# Run in the page: lists every live trace of a payload (inline script, handler attribute,
# script/data/vbscript URL, style URL, or an element a payload would need).
NO_LIVE_PAYLOAD = """() => {
  const bad = [];
  for (const s of document.querySelectorAll('script')) {
    const src = s.getAttribute('src');
    if (!src && s.type !== 'application/json') bad.push('inline script: ' + s.textContent.slice(0, 60));
    if (src && !src.startsWith('/static/')) bad.push('script src: ' + src);
  }
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) bad.push('handler ' + a.name + ' on ' + el.tagName);
      if (['href', 'src', 'action', 'data', 'formaction', 'srcset', 'poster', 'background'].includes(a.name)
          && /^\\s*(javascript|data|vbscript):/i.test(a.value)) bad.push(a.name + '=' + a.value);
      if (a.name === 'style' && /url\\(/i.test(a.value)) bad.push('style url on ' + el.tagName);
    }
  }
  // Vega draws its own empty <form class="vega-bindings"> and the site has its search forms:
  // any other form is a payload's.
  const site = ':not(.vega-bindings):not([role=search][action$="/search/"])';
  for (const t of ['iframe', 'object', 'embed', 'form' + site, 'base',
                   'meta[http-equiv=refresh]', 'link[href*=__pwned__]:not([rel=canonical])', 'math', 'marquee', 'video'])
    if (document.querySelector(t)) bad.push('element ' + t);
  return bad;
}"""


# Run in the page: what a visitor's interaction would fire, done at once. Every <details> opens
# (a `toggle` event, as a click on its summary gives), and every element that takes focus gets
# it and loses it (focus, blur). Check with NO_LIVE_PAYLOAD in a later evaluate: toggle events
# are queued, and run before the next one.
INTERACT = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
    el.focus({preventScroll: true});
    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    el.blur();
  }
}"""

def _yaml_str(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML scalar


def write_hostile_bucket(root: Path) -> Path:
    """A small two-generation bucket with a payload in every field that reaches a page."""
    root.mkdir(parents=True, exist_ok=True)
    board, results, agents = root / "message_board", root / "results", root / "agents"
    legacy = root / "artifacts" / "results"
    for folder in (board, results, agents, legacy):
        folder.mkdir(parents=True, exist_ok=True)
    everything = "\n\n".join(PAYLOADS)
    table_rows = "\n".join(f"| {i + 2} | evil-{i} | {100 + i} tok/s | {p.replace('|', '/')} | 2026-06-0{1 + i % 9} |"
                           for i, p in enumerate(PAYLOADS))
    (root / "LEADERBOARD.md").write_text(
        "# Leaderboard\n\n" + everything + "\n\n| # | Agent | tok/s | Method | Date |\n|--:|---|--:|---|---|\n"
        "| 1 | " + PAYLOADS[1].replace("|", "/") + " | 999 tok/s | " + PAYLOADS[0] + " | 2026-06-01 |\n"
        + table_rows + "\n")
    for i, payload in enumerate(PAYLOADS):
        agent = f"evil-{i}"
        (agents / f"{agent}.md").write_text(
            f"---\nagent_name: {agent}\nagent_model: {_yaml_str(payload)}\nagent_harness: {_yaml_str(payload)}\n"
            f"agent_tools: [{_yaml_str(payload)}, bash]\nhf_user: {_yaml_str(payload)}\n"
            f"joined: 2026-06-01 10:00 UTC\n---\n\n{payload}\n\n{everything if i == 0 else ''}\n")
        stamp = f"20260601-1{i // 60:01d}{i % 60:02d}00"
        (board / f"{stamp}-000_{agent}.md").write_text(
            f"---\ntype: {_yaml_str(payload)}\nrefs: {_yaml_str(payload)}\npriority: {_yaml_str(payload)}\n"
            f"agent: {agent}\ntimestamp: 2026-06-01 10:{i % 60:02d} UTC\nvia: {_yaml_str(payload)}\n---\n\n"
            f"# {payload}\n\n@evil-0 {payload}\n\n| a | b |\n|---|---|\n| {payload.replace('|', '/')} | x |\n")
        (results / f"{stamp}-000_{agent}.md").write_text(
            f"---\ntps: {200 + i}\nppl: 2.3\nmethod: {_yaml_str(payload)}\nstatus: agent-run\n"
            f"description: {_yaml_str(payload)}\nartifacts: {_yaml_str(payload)}\n"
            f"submission: {_yaml_str('javascript:alert(1)')}\nnotes: {_yaml_str(payload)}\n"
            f"agent: {agent}\ntimestamp: 2026-06-01 11:{i % 60:02d} UTC\nvia: bucket\n---\n\n{payload}\n")
        (legacy / f"payload{i}_{agent}.json").write_text(json.dumps({
            "agent_id": agent, "timestamp": "2026-05-30T10:00:00Z", "experiment": payload,
            "tps": 150 + i, "what_worked": payload, "notes": payload}))
    # Gen-1 message whose agent and topic come from the file name and frontmatter.
    (board / "20260602-090000_evil-0_script-topic.md").write_text(
        f"---\nagent: {_yaml_str(PAYLOADS[0])}\ntype: question\ntimestamp: 2026-06-02 09:00 UTC\n---\n\n{everything}\n")
    # Taskforces: a hostile folder name, a file name, a title, members and a charter.
    for i, payload in enumerate(PAYLOADS[:3]):
        folder = root / "taskforces" / f"tf{i}\"><svg onload=alert('tf{i}')>"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "README.md").write_text(
            f"---\ntitle: {_yaml_str(payload)}\nmembers: [{_yaml_str(payload)}, evil-0]\n"
            f"lead: {_yaml_str(payload)}\n---\n\n# {payload}\n\n{everything}\n")
        (folder / "x\" onmouseover=\"alert('tf-file').csv").write_text("a,b\n")
    (root / "taskforces" / "plain").mkdir(exist_ok=True)
    (root / "taskforces" / "plain" / "README.md").write_text(
        f"# {PAYLOADS[1]}\n\nMembers: @evil-0 (lead), @evil-1\n\n{everything}\n")
    (root / "README.md").write_text(f"---\ntitle: {_yaml_str(PAYLOADS[0])}\n---\n# {PAYLOADS[1]}\n\n"
                                    f"{everything}\n\n## [toc](#{PAYLOADS[2]})\n")
    (results / "verification_status.json").write_text(json.dumps(
        {f"20260601-10{i:02d}00-000_evil-{i}.md": ["valid", "pending", "invalid"][i % 3] for i in range(len(PAYLOADS))}))
    return root
