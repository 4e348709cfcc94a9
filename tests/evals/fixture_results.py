"""Recorded results for the eval rules' fixtures (G015 to G017), made when the test runs.

A fixture folder with a `results/` subfolder holds, per fixture, `results/<fixture
name>.yaml`: a list of what `promptreg test` recorded, one entry per result, e.g.

    - {case: refund request, passed: true, age_days: 3}
    - {case: lockout, passed: true, age_days: 1, content: older}   # for other content
    - {raw: "{broken"}                                             # the file's bytes

The fingerprints are computed from the fixture as it is linted (so the fixture stays
readable YAML instead of hashes), `content: older` records a result for content the
prompt no longer has, and `age_days` dates the answer that many days before now.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import yaml

from promptreg.core.config import Settings, load_config
from promptreg.core.loader import load_prompt
from promptreg.governance.evidence import CaseResult, ResultsFile, format_time, results_path
from promptreg.governance.fingerprint import case_keys


def results_registry(
    folder: Path, working: Path, defaults: Path, tmp_path: Path
) -> tuple[Settings, Path]:
    """A registry in `tmp_path` holding the fixture and the results its YAML describes."""
    root = tmp_path / "registry-with-results"
    config = folder / "promptreg.yaml"
    text = (config if config.is_file() else defaults).read_text(encoding="utf-8")
    (root / "registry" / "demo").mkdir(parents=True)
    (root / "promptreg.yaml").write_text(re.sub(r"(?m)^registry: .*$", "registry: registry", text))
    target = root / "registry" / "demo" / working.name
    target.write_bytes(working.read_bytes())
    settings = load_config(root / "promptreg.yaml")
    spec = load_prompt(target).spec
    assert spec is not None, f"{working} does not load"
    described = folder / "results" / f"{working.name.removesuffix('.prompt.yaml')}.yaml"
    entries = yaml.safe_load(described.read_text(encoding="utf-8")) if described.is_file() else []
    path = results_path(settings, spec.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = [e["raw"] for e in entries if "raw" in e]
    if raw:
        path.write_text(raw[0], encoding="utf-8")
        return settings, target
    keys = {key.name: key for key in case_keys(spec, settings)}
    now = dt.datetime.now(dt.UTC)
    results = []
    for entry in entries:
        key = keys[entry["case"]]
        components = key.components()
        fingerprint = key.fingerprint(entry.get("repeat", 0))
        if "content" in entry:
            components["content_hash"] = (
                "sha256:" + hashlib.sha256(entry["content"].encode()).hexdigest()
            )
            fingerprint = "sha256:" + hashlib.sha256(fingerprint.encode()).hexdigest()
        answered = format_time(now - dt.timedelta(days=entry.get("age_days", 0), minutes=1))
        results.append(
            CaseResult(
                case=key.name,
                repeat=entry.get("repeat", 0),
                fingerprint=fingerprint,
                components=components,
                passed=entry["passed"],
                answered_at=answered,
                run_at=answered,
                endpoint="127.0.0.1:8000",
                model_requested=key.model,
            )
        )
    document = ResultsFile(
        spec.id, spec.version, spec.content_hash, format_time(now), tuple(results)
    )
    path.write_text(document.dumps(), encoding="utf-8")
    return settings, target
