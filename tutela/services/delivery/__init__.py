"""The delivery of an intervention (seed 000 steps 5 and 8, seed 003; L. 184/1983 art. 2 and 4): its life
(lifecycle), its placement (placements), the social worker's monitoring and the Comune's acknowledgement
(monitoring). Callers import from here."""

from tutela.services.delivery.common import (
    FOSTER_MAX_MONTHS,
    OUTCOME_LISTS,
    PLACEMENT_KINDS,
    add_months,
    get_intervention_for_user,
)
from tutela.services.delivery.lifecycle import (
    activation_blockers,
    intervention_activate,
    intervention_end,
    intervention_resume,
    intervention_suspend,
    provider_of,
    rate_for,
)
from tutela.services.delivery.monitoring import (
    MonitoringData,
    intervention_acknowledge_municipality,
    monitoring_record,
)
from tutela.services.delivery.placements import (
    ExtensionData,
    outcome_choices,
    placement_expiry,
    placement_extend,
)
from tutela.services.delivery_workflow import needs_municipality_acknowledgement

__all__ = [
    "FOSTER_MAX_MONTHS",
    "OUTCOME_LISTS",
    "PLACEMENT_KINDS",
    "ExtensionData",
    "MonitoringData",
    "activation_blockers",
    "add_months",
    "get_intervention_for_user",
    "intervention_acknowledge_municipality",
    "intervention_activate",
    "intervention_end",
    "intervention_resume",
    "intervention_suspend",
    "monitoring_record",
    "needs_municipality_acknowledgement",
    "outcome_choices",
    "placement_expiry",
    "placement_extend",
    "provider_of",
    "rate_for",
]
