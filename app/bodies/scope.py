"""Who may sit on a body of a given level: the level rule of memberships.

A continental body takes any organisation (a national ministry may hold a continental seat). A
REC body takes organisations of that REC, of its member states, or of no country and no REC
(continental and international organisations: the AU, the ILO, a pan-African federation). A
national body takes organisations of its country, or of no country and no REC. Member states are
those listed below (the eight RECs the AU recognises; ECOWAS without the states that left it in
2025).
"""
REC_MEMBERS = {
    "AMU": ("DZ", "LY", "MA", "MR", "TN"),
    "CEN-SAD": ("BF", "BJ", "CF", "CI", "DJ", "EG", "ER", "GH", "GM", "GN", "GW", "KM", "LY", "MA",
                "ML", "MR", "NE", "NG", "SD", "SL", "SN", "SO", "TD", "TG", "TN"),
    "COMESA": ("BI", "CD", "DJ", "EG", "ER", "ET", "KE", "KM", "LY", "MG", "MU", "MW", "RW", "SC",
               "SD", "SO", "SZ", "TN", "UG", "ZM", "ZW"),
    "EAC": ("BI", "CD", "KE", "RW", "SO", "SS", "TZ", "UG"),
    "ECCAS": ("AO", "BI", "CD", "CF", "CG", "CM", "GA", "GQ", "RW", "ST", "TD"),
    "ECOWAS": ("BJ", "CI", "CV", "GH", "GM", "GN", "GW", "LR", "NG", "SL", "SN", "TG"),
    "IGAD": ("DJ", "ER", "ET", "KE", "SD", "SO", "SS", "UG"),
    "SADC": ("AO", "BW", "CD", "KM", "LS", "MG", "MU", "MW", "MZ", "NA", "SC", "SZ", "TZ", "ZA",
             "ZM", "ZW"),
}


def may_sit(level: str, country: str | None, rec: str | None, org_country: str | None, org_rec: str | None) -> bool:
    """Whether an organisation (org_country, org_rec) fits a body of this level and scope."""
    if level == "continental":
        return True
    if org_country is None and org_rec is None:
        return True
    if level == "rec":
        return org_rec == rec or (org_country is not None and org_country in REC_MEMBERS.get(rec, ()))
    return org_country == country
