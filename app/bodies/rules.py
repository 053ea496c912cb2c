"""A body's default rule of procedure: checked and kept as the consultations layer keeps a
consultation's (app.consultations.procedure: a preset name as given, a rule object expanded),
so a session of the body applies exactly what the body states."""
from app.consultations.procedure import PRESET_NAMES, PRESETS, stored_rule


def check_rule(rule, voting: list[str] | None = None):
    """The rule as stored (None: the body has no default). Invalid (422) naming the field at
    fault (`rule`, `rule.quorum.fraction`, ...) when it cannot be applied."""
    return None if rule is None else stored_rule(rule, voting)


def preset_choices() -> list[tuple[str, str]]:
    return [(name, str(PRESET_NAMES[name])) for name in PRESETS]
