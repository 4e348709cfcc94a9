"""Generated registries for the benchmarks, of the two shapes users have.

- `large`: copies of the embedded registry's prompts (2-6 KB each, tiers 1-3, approvals,
  eval cases, output schemas), each with an id and a sentence of its own, its approvals
  re-signed for the new content.
- `small`: prompts of the shape public prompt collections have, as a team finds them when
  it adopts promptreg: 1-2 KB, one system message and one user message, one to three
  variables, tier 1 drafts, written by people who never saw the linter (untrusted
  variables without bounds or fences, a link here and there). They lint with findings,
  as a first run on an existing corpus does.

Every text is generated from a fixed seed; no third-party prompt collection is shipped.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

ROLES = (
    "travel guide",
    "SQL tutor",
    "career coach",
    "copy editor",
    "UX reviewer",
    "legal plain-language writer",
    "data analyst",
    "product manager",
    "chef",
    "fitness coach",
    "historian",
    "Linux terminal",
    "math teacher",
    "poet",
    "customer support agent",
    "release-notes writer",
    "interviewer",
    "translator",
    "debate coach",
    "accessibility auditor",
    "security reviewer",
    "storyteller",
)
DUTIES = (
    "Answer in short paragraphs and keep a friendly, plain tone.",
    "Ask one clarifying question when the request is ambiguous.",
    "Use bullet points for lists of more than three items.",
    "Explain the reasoning behind each suggestion in one sentence.",
    "Prefer concrete examples over general advice.",
    "Point out risks and trade-offs the user may not have considered.",
    "Keep every answer under two hundred words unless asked for more.",
    "Quote the user's own words when you refer to them.",
    "Offer two alternatives when there is no single right answer.",
    "End with a one-line summary of what to do next.",
    "Do not use jargon; define any technical term you must use.",
    "If you are not sure, say so and explain what would settle it.",
)
VARIABLES = (
    ("topic", "What the user wants help with."),
    ("audience", "Who the answer is for."),
    ("text", "The text the user pasted."),
    ("question", "The user's question."),
    ("language", "The language to answer in."),
    ("goal", "What the user wants to achieve."),
    ("context", "Background the user gave."),
    ("level", "The user's level of experience."),
)
LINKS = (
    "https://en.wikipedia.org/wiki/Style_guide",
    "https://www.w3.org/WAI/standards-guidelines/wcag/",
    "https://docs.python.org/3/tutorial/",
    "https://www.plainlanguage.gov/guidelines/",
)


def _small_text(number: int, rng: random.Random) -> tuple[str, str]:
    role = rng.choice(ROLES)
    name = f"{role.lower().replace(' ', '-').replace('.', '')}-{number:05d}"
    namespace = f"team{number % 40:02d}"
    chosen = rng.sample(VARIABLES, rng.randint(1, 3))
    duties = rng.sample(DUTIES, rng.randint(4, 7))
    lines = [f"I want you to act as a {role}. Prompt {number} of the collection."]
    lines += [f"- {duty}" for duty in duties]
    if rng.random() < 0.25:
        lines.append(f"- When it helps, point to {rng.choice(LINKS)} for further reading.")
    system = "\n".join(lines)
    user = "\n".join(
        f"{var.capitalize()}: {{{{ {var} }}}}" if rng.random() < 0.6 else f"{{{{ {var} }}}}"
        for var, _ in chosen
    )
    variables = "".join(
        f"  {var}:\n    type: string\n    description: {description}\n"
        for var, description in chosen
    )
    body = "".join(f"      {line}\n" for line in system.split("\n"))
    user_body = "".join(f"      {line}\n" for line in user.split("\n"))
    prompt_id = f"{namespace}/{name}"
    text = (
        "# yaml-language-server: $schema=../../schemas/prompt.schema.json\n"
        f"id: {prompt_id}\n"
        "version: 0.1.0\n"
        f"title: Act as a {role}\n"
        f"description: A prompt from the team's collection that makes the model act as a {role}.\n"
        f"owner: {rng.choice(OWNERS)}\n"
        "tier: 1\n"
        "status: draft\n"
        f"tags: [collection, {namespace}]\n"
        "model:\n"
        f"  name: {rng.choice(MODELS)}\n"
        f"  temperature: {rng.choice((0.2, 0.5, 0.7, 1.0))}\n"
        f"variables:\n{variables}"
        "messages:\n"
        f"  - role: system\n    content: |\n{body}"
        f"  - role: user\n    content: |\n{user_body}"
    )
    return prompt_id, text


OWNERS = ("support-platform", "growth-marketing", "research-insights", "people-ops")
MODELS = ("gpt-4o-mini", "gpt-4.1-mini", "gpt-4o")


def generate_small(target: Path, count: int, seed: int = 7) -> list[Path]:
    """Write promptreg.yaml, the schemas and `count` small prompt files under target."""
    _standards(target)
    rng = random.Random(seed)
    written = []
    for number in range(count):
        prompt_id, text = _small_text(number, rng)
        path = target / "registry" / f"{prompt_id}.prompt.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def generate_large(target: Path, count: int) -> list[Path]:
    """Write promptreg.yaml, the schemas and `count` copies of the embedded prompts."""
    from promptreg.core.hashing import content_hash
    from promptreg.core.yamlio import read_document

    _standards(target)
    sources = sorted((REPO / "registry").rglob("*.prompt.yaml"))
    texts = [(path, path.read_text(encoding="utf-8")) for path in sources]
    written = []
    for number in range(count):
        source, text = texts[number % len(texts)]
        document = read_document(source)
        old_id = document.value["id"]
        namespace, name = old_id.split("/")
        new_id = f"{namespace}{number // len(texts)}/{name}"
        marker = f"Case reference R{number:05d}."
        content = document.value["messages"][0]["content"]
        first_line = content.split("\n", 1)[0]
        new_text = text.replace(f"id: {old_id}", f"id: {new_id}", 1).replace(
            first_line, f"{first_line} {marker}", 1
        )
        path = target / "registry" / f"{new_id}.prompt.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_text, encoding="utf-8")
        # Re-sign the approvals for the new content, as a reviewer would.
        data = read_document(path).value
        old_hash = content_hash(document.value)
        path.write_text(new_text.replace(old_hash, content_hash(data)), encoding="utf-8")
        written.append(path)
    return written


def _standards(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "promptreg.yaml", target / "promptreg.yaml")
    shutil.copytree(REPO / "schemas", target / "schemas", dirs_exist_ok=True)
    evals = REPO / ".promptreg" / "evals"
    if evals.is_dir():  # the embedded prompts' recorded results, for the eval rules
        shutil.copytree(evals, target / ".promptreg" / "evals", dirs_exist_ok=True)
