"""Spec dicts written before the Spec had typed fields (settings in an `extra` dict), mapped
onto those fields, so older checkpoints and run folders still load. What such a dict did not
record about its text is guessed from the vocabulary, as zoo did then; keys nothing reads are
dropped."""

from __future__ import annotations

from zoo.data.preprocess.vocab import is_special

RECORDED = ("level", "lowercase", "max_len")  # top-level keys of `extra` about the text
CUT = ("level", "lowercase", "normalize", "max_len", "reverse")  # Tokenization's fields
INPUT_ONLY = ("max_len", "reverse")
NORMALIZERS = {"zoo.data.eng_fra.normalize": "eng_fra"}  # a function's path then, a name now


def guess(tokens: list[str]) -> dict:
    """Characters when every token is one; lowercase when no token has a capital letter."""
    plain = [t for t in tokens if not is_special(t)]
    return {
        "level": "char" if all(len(t) == 1 for t in plain) else "word",
        "lowercase": not any(c.isupper() for t in plain for c in t),
    }


def _listed(value) -> list[float]:
    return [float(v) for v in value] if isinstance(value, list | tuple) else [float(value)]


def upgrade(d: dict) -> dict:
    """`d` with its `extra` mapped onto the typed fields."""
    d = dict(d)
    extra = d.pop("extra") or {}
    how = extra.get("tokenizer") or {k: extra[k] for k in RECORDED if k in extra}
    how = {k: v for k, v in how.items() if k in CUT}
    if how.get("normalize"):
        how["normalize"] = NORMALIZERS.get(how["normalize"], how["normalize"])
    if d["input_kind"] == "tokens":
        d["tokenization"] = {**guess(d.get("input_vocab") or []), **how}
    elif d["target_kind"] == "tokens":
        target = {k: v for k, v in how.items() if k not in INPUT_ONLY}
        d["target_tokenization"] = {**guess(d.get("target_vocab") or []), **target}
    for side in ("feature", "target"):
        if f"{side}_scale" in extra:
            d[f"{side}_scaling"] = {
                "shift": _listed(extra.get(f"{side}_shift", 0.0)),
                "scale": _listed(extra[f"{side}_scale"]),
            }
    d["stateful"] = bool(extra.get("stateful", False))
    return d
