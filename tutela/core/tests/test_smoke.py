from tutela.testing import factories


def test_demo_territory_has_every_persona(demo):
    assert {
        "protocollo",
        "segretariato",
        "coordinatore",
        "assistente",
        "assistente2",
        "amministrativo",
        "sds",
        "comune",
        "educatore",
        "dirigente",
        "dpo",
        "admin",
    } <= set(demo.users)


def test_factories_reach_their_states(demo):
    assert factories.referred_case(demo).state == "REFERRED"
    assert factories.assessment_case(demo).state == "ASSESSMENT"
    assert factories.in_care_case(demo).state == "IN_CARE"
    assert factories.proposal_in(demo, "authorised").state == "AUTHORISED"
